package dev.unlearn.metrics.harness;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Utility and privacy scores of a group of models (the original: one model; the retrained
 * reference: N models), each the mean over the group's models. Defined in {@code docs/metrics.md}.
 *
 * @param models the number of models averaged
 * @param retainAccuracy accuracy on the retain set
 * @param forgetAccuracy accuracy on the forget set
 * @param testAccuracy accuracy on the test set
 * @param retainLoss mean cross-entropy on the retain set (no regularisation)
 * @param forgetLoss mean cross-entropy on the forget set
 * @param testLoss mean cross-entropy on the test set
 * @param miaAuc loss-threshold membership-inference AUC, forget (members) vs test
 * @param attackForgetMembership the logistic attack's mean membership probability on the forget set
 * @param gradientResidual &Vert;&nabla;L<sub>r</sub>(&theta;)&Vert;<sub>2</sub>, the gradient of the
 *     regularised retain objective
 * @param klForget the mean over retrained models i of the mean over forget rows of
 *     KL(p<sub>retrained,i</sub> &Vert; p<sub>model</sub>): for the original, how far it is from
 *     the retrained models (the KL an unlearner starts from); 0 for the retrained models themselves
 * @param klTest the same on test rows
 * @param extra the mean of every {@link Scorer}'s score over the group's models, in the order the
 *     scorers were given (empty without scorers)
 */
public record GroupScores(int models, double retainAccuracy, double forgetAccuracy,
    double testAccuracy, double retainLoss, double forgetLoss, double testLoss, double miaAuc,
    double attackForgetMembership, double gradientResidual, double klForget, double klTest,
    Map<String, Double> extra) {

  public GroupScores {
    extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  /** Scores without KL divergences (NaN) and without {@link Scorer} scores. */
  public GroupScores(int models, double retainAccuracy, double forgetAccuracy,
      double testAccuracy, double retainLoss, double forgetLoss, double testLoss, double miaAuc,
      double attackForgetMembership, double gradientResidual) {
    this(models, retainAccuracy, forgetAccuracy, testAccuracy, retainLoss, forgetLoss, testLoss,
        miaAuc, attackForgetMembership, gradientResidual, Double.NaN, Double.NaN, Map.of());
  }

  /** The mean of the named {@link Scorer} score. */
  public double extra(String name) {
    Double v = extra.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no scorer score named " + name + "; there are "
          + extra.keySet());
    }
    return v;
  }
}

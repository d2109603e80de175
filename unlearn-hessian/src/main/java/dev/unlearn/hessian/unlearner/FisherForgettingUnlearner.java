package dev.unlearn.hessian.unlearner;

import java.util.Set;
import java.util.EnumSet;
import dev.unlearn.api.Capability;
import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.HyperparameterValues;
import dev.unlearn.api.Model;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.unlearner.AbstractUnlearner;
import dev.unlearn.hessian.operator.EmpiricalFisherOperator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fisher Forgetting (Golatkar, Achille, Soatto, CVPR 2020, arXiv 1911.04933; the variant of Gu et
 * al. 2024): &theta;' = &theta; [+ &eta;(n<sub>f</sub>/n<sub>r</sub>)F<sup>-1</sup>g<sub>f</sub>] +
 * (&mu;&sigma;&sup2;)<sup>1/4</sup> F<sup>-1/4</sup> n, n ~ N(0, I) from the request's seed, with F = &lambda;I
 * + (1/m)G<sup>T</sup>G the damped empirical Fisher of m retain rows (as in {@link
 * FisherRemovalUnlearner}). Variant {@code lowrank}: the exact F<sup>-1/4</sup> of {@link FisherPower};
 * variant {@code diagonal}: (diag((1/m)G<sup>T</sup>G) + &lambda;)<sup>-1/4</sup>. The noise hides what
 * the Newton term leaves of the forget set in the directions the retain data do not constrain.
 * Diagnostics: {@code noise-norm}, {@code step-norm}, {@code fisher-samples}, {@code fisher-rank}.
 */
public final class FisherForgettingUnlearner extends AbstractUnlearner {
  static final Hyperparameter<Boolean> NEWTON_TERM = Hyperparameter.ofBoolean("newton-term", true,
      "whether to add the Fisher-removal step eta (n_f/n_r) F^-1 g_f before the noise");
  static final Hyperparameter<Double> NOISE_VARIANCE = Hyperparameter.nonNegative(
      "noise-variance", 1e-8, "mu sigma^2: the noise is (mu sigma^2)^(1/4) F^(-1/4) n");
  static final Hyperparameter<String> VARIANT = Hyperparameter.ofChoice("variant", "lowrank",
      List.of("lowrank", "diagonal"), "F^(-1/4) exactly from the low-rank Fisher, or from its "
          + "diagonal");

  public FisherForgettingUnlearner() {
    super("fisher-forgetting", "Fisher-shaped Gaussian noise (mu sigma^2)^(1/4) F^(-1/4) n, "
        + "optionally after the Fisher-removal step (Golatkar et al. 2020; Gu et al. 2024)",
        NEWTON_TERM, FisherRemovalUnlearner.STEP_SIZE, FisherRemovalUnlearner.FISHER_DAMPING,
        FisherRemovalUnlearner.FISHER_SAMPLES, NOISE_VARIANCE, VARIANT);
  }

  @Override
  public Set<Capability> requirements(Map<String, ?> hyperparameters) {
    return EnumSet.of(Capability.PER_EXAMPLE_GRADIENTS);
  }

  @Override
  protected Outcome run(UnlearningRequest request, HyperparameterValues v, Cost.Meter meter) {
    Model model = request.model();
    INDArray theta = request.parameters();
    Dataset retain = request.retainSet();
    double lambda = v.get(FisherRemovalUnlearner.FISHER_DAMPING);
    EmpiricalFisherOperator f = FisherRemovalUnlearner.retainFisher(model, theta, retain,
        v.get(FisherRemovalUnlearner.FISHER_SAMPLES), lambda, request.seed(), meter);
    meter.monitor().stopIfAsked();
    INDArray out = theta.dup();
    double stepNorm = 0;
    if (v.get(NEWTON_TERM)) {
      INDArray step = FisherRemovalUnlearner.newtonTerm(model, theta, request, f,
          v.get(FisherRemovalUnlearner.STEP_SIZE), meter);
      stepNorm = SecondOrder.norm(step);
      out.addi(step);
    }
    meter.monitor().stopIfAsked();
    int p = model.numParameters();
    INDArray n = SecondOrder.gaussian(p, request.seed() * 0x9E3779B97F4A7C15L + 1, DataType.DOUBLE);
    INDArray shaped;
    int rank;
    if (v.get(VARIANT).equals("diagonal")) {
      shaped = diagonalInverseQuarter(f.gradients(), lambda).muli(n);
      rank = p;
    } else {
      FisherPower power = FisherPower.of(f.gradients(), lambda);
      shaped = power.apply(n, -0.25);
      rank = power.rank();
    }
    meter.hvps(1);
    shaped.muli(Math.pow(v.get(NOISE_VARIANCE), 0.25));
    out.addi(shaped.castTo(model.dataType()));
    Map<String, Double> d = new LinkedHashMap<>();
    d.put("step-norm", stepNorm);
    d.put("noise-norm", SecondOrder.norm(shaped));
    d.put("fisher-samples", (double) f.numExamples());
    d.put("fisher-rank", (double) rank);
    return Outcome.of(out, d);
  }

  /** (diag((1/m)G<sup>T</sup>G) + &lambda;)<sup>-1/4</sup> as a float64 vector. */
  static INDArray diagonalInverseQuarter(INDArray gradients, double lambda) {
    INDArray g = gradients.castTo(DataType.DOUBLE);
    double[] s = g.mul(g).sum(0).toDoubleVector();
    int m = gradients.rows();
    for (int j = 0; j < s.length; j++) {
      s[j] = Math.pow(s[j] / m + lambda, -0.25);
    }
    return Nd4j.create(s, new long[] {s.length}, 'c');
  }
}

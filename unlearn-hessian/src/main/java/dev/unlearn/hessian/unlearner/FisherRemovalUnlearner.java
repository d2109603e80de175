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
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.solve.Solvers;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Fisher Removal (Gu et al. 2024, arXiv 2403.10557): the Newton step with the damped empirical
 * Fisher of the retain set in place of the Hessian, &theta;' = &theta; + &eta;(n<sub>f</sub>/n<sub>r</sub>)
 * F<sup>-1</sup>g<sub>f</sub>, F = &lambda;I + (1/m)G<sup>T</sup>G, G the per-example gradients of m retain
 * rows (a seeded uniform sample without replacement when m &lt; n<sub>r</sub>, else all), F<sup>-1</sup>
 * applied exactly by the Woodbury identity ({@link
 * dev.unlearn.hessian.solve.FisherWoodburyInverse}, O(m&sup2;p)). g<sub>f</sub> is the gradient of the
 * model's objective on the forget rows (mean cross-entropy plus &lambda;<sub>model</sub>&theta;), the
 * quantity for which the Newton identity &nabla;L<sub>r</sub> = &minus;(n<sub>f</sub>/n<sub>r</sub>)g<sub>f</sub>
 * holds at an optimum. Diagnostics: {@code fisher-samples}, {@code step-norm}. Deterministic for a
 * seed; the request is not modified.
 */
public final class FisherRemovalUnlearner extends AbstractUnlearner {
  static final Hyperparameter<Double> STEP_SIZE = Hyperparameter.ofDouble("step-size", 0.05, 0,
      false, 1000, true, "eta, the multiplier of the Fisher-Newton step (the empirical Fisher at a "
          + "trained model underestimates the curvature, so eta = 1 overshoots; 0.05 suits the digits "
          + "models)");
  static final Hyperparameter<Double> FISHER_DAMPING = Hyperparameter.positive("fisher-damping",
      1e-3, "lambda added to the empirical Fisher (1/m) G^T G");
  static final Hyperparameter<Integer> FISHER_SAMPLES = Hyperparameter.ofInt("fisher-samples",
      256, 1, 1_000_000, "m, retain rows whose per-example gradients form the Fisher");

  public FisherRemovalUnlearner() {
    super("fisher-removal", "Newton step with the damped empirical Fisher of the retain set, "
        + "inverted exactly by Woodbury (Gu et al. 2024)", STEP_SIZE, FISHER_DAMPING,
        FISHER_SAMPLES);
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
    EmpiricalFisherOperator f = retainFisher(model, theta, retain, v.get(FISHER_SAMPLES),
        v.get(FISHER_DAMPING), request.seed(), meter);
    meter.monitor().stopIfAsked();
    INDArray step = newtonTerm(model, theta, request, f, v.get(STEP_SIZE), meter);
    Map<String, Double> d = new LinkedHashMap<>();
    d.put("fisher-samples", (double) f.numExamples());
    d.put("step-norm", SecondOrder.norm(step));
    return Outcome.of(theta.add(step), d);
  }

  /** &lambda;I + (1/m)G<sup>T</sup>G of a seeded sample of m retain rows. */
  static EmpiricalFisherOperator retainFisher(Model model, INDArray theta, Dataset retain, int m,
      double damping, long seed, Cost.Meter meter) {
    int[] rows = SecondOrder.subsample(retain.size(), m, seed ^ 0x5DEECE66DL);
    INDArray g = SecondOrder.perExampleGradients(model, theta, retain.rows(rows), meter);
    return Operators.empiricalFisher(g, damping);
  }

  /** &eta;(n<sub>f</sub>/n<sub>r</sub>)F<sup>-1</sup>g<sub>f</sub>. */
  static INDArray newtonTerm(Model model, INDArray theta, UnlearningRequest request,
      EmpiricalFisherOperator f, double eta, Cost.Meter meter) {
    Dataset forget = request.forgetSet();
    INDArray gf = model.gradient(theta, forget);
    meter.gradient(forget.size());
    INDArray step = Solvers.fisherWoodbury(f).solve(gf);
    meter.hvps(1);
    double scale = eta * forget.size() / (double) request.retainSet().size();
    return step.muli(scale);
  }
}

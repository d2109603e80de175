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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Selective Synaptic Dampening (Foster, Schoepf, Brintrup, arXiv 2308.07707, 2023): parameter
 * importances are the diagonal of the empirical Fisher, []<sub>D</sub> = (1/|D|)&Sigma;<sub>i</sub>
 * g<sub>i</sub>&sup2; (per-example cross-entropy gradients, no regularisation), on the forget set and on
 * a reference set (the full training set, as in the paper, or the retain set); every parameter
 * with []<sub>f,j</sub> &gt; &alpha;[]<sub>ref,j</sub> is multiplied by &beta;<sub>j</sub> = min(&lambda;
 * []<sub>ref,j</sub>/[]<sub>f,j</sub>, 1). No training, no randomness. Diagnostics: {@code dampened}
 * (how many parameters), {@code mean-factor} (mean &beta; over those).
 */
public final class SsdUnlearner extends AbstractUnlearner {
  static final Hyperparameter<Double> ALPHA = Hyperparameter.positive("alpha", 10.0,
      "selection threshold: dampen where forget importance > alpha x reference importance");
  static final Hyperparameter<Double> LAMBDA = Hyperparameter.positive("lambda", 1.0,
      "dampening constant: beta = min(lambda x reference / forget importance, 1)");
  static final Hyperparameter<String> REFERENCE = Hyperparameter.ofChoice("reference", "full",
      List.of("full", "retain"), "rows of the reference importances: the whole training set or the "
          + "retain set");

  public SsdUnlearner() {
    super("ssd", "selective synaptic dampening of parameters that matter much more to the forget "
        + "set than to the training set (Foster et al. 2023)", ALPHA, LAMBDA, REFERENCE);
  }

  @Override
  public Set<Capability> requirements(Map<String, ?> hyperparameters) {
    return EnumSet.of(Capability.PER_EXAMPLE_GRADIENTS);
  }

  @Override
  protected Outcome run(UnlearningRequest request, HyperparameterValues v, Cost.Meter meter) {
    Model model = request.model();
    INDArray theta = request.parameters();
    Dataset reference = v.get(REFERENCE).equals("full") ? request.training() : request.retainSet();
    double[] forget = SecondOrder.meanSquaredGradients(model, theta, request.forgetSet(), meter);
    double[] ref = SecondOrder.meanSquaredGradients(model, theta, reference, meter);
    double alpha = v.get(ALPHA);
    double lambda = v.get(LAMBDA);
    double[] x = theta.toDoubleVector();
    int dampened = 0;
    double factorSum = 0;
    for (int j = 0; j < x.length; j++) {
      if (forget[j] > alpha * ref[j]) {
        double beta = Math.min(lambda * ref[j] / forget[j], 1.0);
        x[j] *= beta;
        dampened++;
        factorSum += beta;
      }
    }
    Map<String, Double> d = new LinkedHashMap<>();
    d.put("dampened", (double) dampened);
    d.put("mean-factor", dampened == 0 ? 1.0 : factorSum / dampened);
    return Outcome.of(Nd4j.create(x, new long[] {x.length}, 'c').castTo(model.dataType()), d);
  }
}

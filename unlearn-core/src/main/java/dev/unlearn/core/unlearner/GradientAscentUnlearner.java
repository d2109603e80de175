package dev.unlearn.core.unlearner;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.HyperparameterValues;
import dev.unlearn.api.Model;
import dev.unlearn.api.RunMonitor;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.internal.Batches;
import dev.unlearn.core.internal.Vectors;
import java.util.Map;

/**
 * {@code gradient-ascent}: plain SGD ascent on the (unregularised) mean cross-entropy of the forget
 * set, minibatches in a seeded order. Cheap, and known to damage utility when run long (Gu et al.
 * 2024 use it as the first-order baseline).
 */
public final class GradientAscentUnlearner extends AbstractUnlearner {
  static final Hyperparameter<Integer> EPOCHS = Knobs.epochs(3, "the forget set");
  static final Hyperparameter<Double> LR = Knobs.learningRate(0.05);
  static final Hyperparameter<Integer> BATCH = Knobs.batchSize(32);

  public GradientAscentUnlearner() {
    super("gradient-ascent", "SGD ascent on the forget-set loss", EPOCHS, LR, BATCH);
  }

  @Override
  protected Outcome run(UnlearningRequest request, HyperparameterValues v, Cost.Meter meter) {
    Model model = request.model();
    Dataset forget = request.forgetSet();
    double[] x = request.parameters().toDoubleVector();
    double[] g = new double[x.length];
    double lr = v.get(LR);
    Batches batches = new Batches(forget.size(), v.get(BATCH), request.seed());
    double loss = Double.NaN;
    RunMonitor monitor = meter.monitor();
    epochs:
    for (int e = 1; e <= v.get(EPOCHS); e++) {
      for (int[] rows : batches.nextEpoch()) {
        if (monitor.check()) {
          break epochs;
        }
        loss = Steps.crossEntropyGradient(model, x, forget.rows(rows), false, g, meter);
        Vectors.axpy(lr, g, x); // ascent
        meter.iterations(1);
      }
      if (e < v.get(EPOCHS) && monitor.report("epoch", e, loss)) {
        break;
      }
    }
    return Outcome.of(Vectors.toArray(x, model.dataType()), Map.of("last-forget-loss", loss));
  }
}

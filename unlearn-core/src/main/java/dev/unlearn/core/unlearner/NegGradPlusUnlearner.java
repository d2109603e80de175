package dev.unlearn.core.unlearner;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.HyperparameterValues;
import dev.unlearn.api.Model;
import dev.unlearn.api.RunMonitor;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.internal.Batches;
import dev.unlearn.core.internal.StepRule;
import dev.unlearn.core.internal.Vectors;

/**
 * {@code neggrad-plus} (Kurmanji et al. 2023): each step descends
 * &alpha;&middot;L<sub>retain</sub>(batch) &minus; (1 &minus; &alpha;)&middot;CE<sub>forget</sub>(batch)
 * with Adam, pairing every retain minibatch with the next forget minibatch (the forget set is cycled).
 */
public final class NegGradPlusUnlearner extends AbstractUnlearner {
  static final Hyperparameter<Double> ALPHA = Hyperparameter.ofDouble("alpha", 0.95, 0, true, 1,
      true, "weight of the retain loss; 1 - alpha weighs the ascent on the forget loss");
  static final Hyperparameter<Integer> EPOCHS = Knobs.epochs(2, "the retain set");
  static final Hyperparameter<Double> LR = Knobs.learningRate(1e-3);
  static final Hyperparameter<Integer> BATCH = Knobs.batchSize(64);

  public NegGradPlusUnlearner() {
    super("neggrad-plus", "descent on retain plus weighted ascent on forget (NegGrad+)", ALPHA,
        EPOCHS, LR, BATCH);
  }

  @Override
  protected Outcome run(UnlearningRequest request, HyperparameterValues v, Cost.Meter meter) {
    Model model = request.model();
    Dataset retain = request.retainSet();
    Dataset forget = request.forgetSet();
    double alpha = v.get(ALPHA);
    double[] x = request.parameters().toDoubleVector();
    int p = x.length;
    double[] gr = new double[p];
    double[] gf = new double[p];
    StepRule adam = StepRule.adam(p, v.get(LR));
    Batches retainBatches = new Batches(retain.size(), v.get(BATCH), request.seed());
    Batches forgetBatches = new Batches(forget.size(), v.get(BATCH), ~request.seed());
    int[][] fb = forgetBatches.nextEpoch();
    int fi = 0;
    RunMonitor monitor = meter.monitor();
    epochs:
    for (int e = 1; e <= v.get(EPOCHS); e++) {
      double loss = 0;
      int steps = 0;
      for (int[] rows : retainBatches.nextEpoch()) {
        if (monitor.check()) {
          break epochs;
        }
        if (fi == fb.length) {
          fb = forgetBatches.nextEpoch();
          fi = 0;
        }
        double lossR = Steps.crossEntropyGradient(model, x, retain.rows(rows), true, gr, meter);
        double lossF = Steps.crossEntropyGradient(model, x, forget.rows(fb[fi++]), false, gf, meter);
        loss += alpha * lossR - (1 - alpha) * lossF;
        steps++;
        for (int i = 0; i < p; i++) {
          gr[i] = alpha * gr[i] - (1 - alpha) * gf[i];
        }
        adam.descend(x, gr);
        meter.iterations(1);
      }
      if (e < v.get(EPOCHS) && monitor.report("epoch", e, loss / steps)) {
        break;
      }
    }
    return Outcome.of(Vectors.toArray(x, model.dataType()));
  }
}

package dev.unlearn.core.unlearner;

import java.util.Set;
import java.util.Map;
import java.util.EnumSet;
import dev.unlearn.api.Capability;
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
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code scrub}: SCRUB-style teacher-student distillation (Kurmanji et al. 2023). The teacher is the
 * original model; the student starts from it. Each epoch, while fewer than {@code max-epochs} have
 * run, one pass over the forget set <em>ascends</em> KL(teacher &Vert; student); then one pass over
 * the retain set descends CE + {@code kl-weight}&middot;KL(teacher &Vert; student). Adam, with
 * separate state for the two phases.
 */
public final class ScrubUnlearner extends AbstractUnlearner {
  static final Hyperparameter<Integer> EPOCHS = Knobs.epochs(3, "the retain set (min steps)");
  static final Hyperparameter<Integer> MAX_EPOCHS = Hyperparameter.ofInt("max-epochs", 2, 0, 10_000,
      "epochs that include a max (forget) pass");
  static final Hyperparameter<Double> KL_WEIGHT = Hyperparameter.nonNegative("kl-weight", 1.0,
      "weight of KL(teacher || student) in the retain objective");
  static final Hyperparameter<Double> LR = Knobs.learningRate(1e-3);
  static final Hyperparameter<Integer> BATCH = Knobs.batchSize(64);

  public ScrubUnlearner() {
    super("scrub", "teacher-student distillation: max KL on forget, min CE + KL on retain (SCRUB)",
        EPOCHS, MAX_EPOCHS, KL_WEIGHT, LR, BATCH);
  }

  @Override
  public Set<Capability> requirements(Map<String, ?> hyperparameters) {
    return EnumSet.of(Capability.BACKPROPAGATE);
  }

  @Override
  protected Outcome run(UnlearningRequest request, HyperparameterValues v, Cost.Meter meter) {
    Model model = request.model();
    Dataset retain = request.retainSet();
    Dataset forget = request.forgetSet();
    INDArray teacher = request.parameters();
    INDArray teacherRetain = Steps.probabilities(model, teacher, retain, meter);
    INDArray teacherForget = Steps.probabilities(model, teacher, forget, meter);
    double[] x = teacher.toDoubleVector();
    int p = x.length;
    double[] g = new double[p];
    double[] gk = new double[p];
    double lr = v.get(LR);
    double w = v.get(KL_WEIGHT);
    StepRule maxRule = StepRule.adam(p, lr);
    StepRule minRule = StepRule.adam(p, lr);
    Batches rb = new Batches(retain.size(), v.get(BATCH), request.seed());
    Batches fb = new Batches(forget.size(), v.get(BATCH), ~request.seed());
    RunMonitor monitor = meter.monitor();
    epochs:
    for (int e = 0; e < v.get(EPOCHS); e++) {
      if (e < v.get(MAX_EPOCHS)) {
        for (int[] rows : fb.nextEpoch()) {
          if (monitor.check()) {
            break epochs;
          }
          Steps.klGradient(model, x, forget.rows(rows), teacherForget.getRows(rows), g, meter);
          Vectors.scale(-1, g); // ascend the KL
          maxRule.descend(x, g);
          meter.iterations(1);
        }
      }
      double loss = 0;
      int steps = 0;
      for (int[] rows : rb.nextEpoch()) {
        if (monitor.check()) {
          break epochs;
        }
        Dataset batch = retain.rows(rows);
        loss += Steps.crossEntropyGradient(model, x, batch, true, g, meter);
        steps++;
        if (w > 0) {
          Steps.klGradient(model, x, batch, teacherRetain.getRows(rows), gk, meter);
          Vectors.axpy(w, gk, g);
        }
        minRule.descend(x, g);
        meter.iterations(1);
      }
      if (e + 1 < v.get(EPOCHS) && monitor.report("epoch", e + 1, loss / steps)) {
        break;
      }
    }
    return Outcome.of(Vectors.toArray(x, model.dataType()));
  }
}

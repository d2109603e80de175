package dev.unlearn.core.unlearner;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.HyperparameterValues;
import dev.unlearn.api.Model;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.internal.Vectors;
import dev.unlearn.core.train.TrainingResult;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code erase-repair}: damage part of the model, then repair it on the retain set: the pattern
 * shared by the top entries of the NeurIPS 2023 unlearning competition (Triantafillou et al. 2024).
 * A seeded random {@code fraction} of the parameters is either re-initialised from
 * {@link Model#initialParameters(long)} ({@code mode=reinit}) or perturbed with Gaussian noise of
 * standard deviation {@code noise-std} ({@code mode=noise}); then the model is fine-tuned on the
 * retain set.
 */
public final class EraseRepairUnlearner extends AbstractUnlearner {
  static final Hyperparameter<String> MODE = Hyperparameter.ofChoice("mode", "reinit",
      List.of("reinit", "noise"), "how the chosen parameters are erased");
  static final Hyperparameter<Double> FRACTION = Hyperparameter.ofDouble("fraction", 0.3, 0, false,
      1, true, "fraction of the parameters erased");
  static final Hyperparameter<Double> NOISE = Hyperparameter.nonNegative("noise-std", 0.1,
      "standard deviation of the noise (mode=noise)");
  static final Hyperparameter<Integer> EPOCHS = Knobs.epochs(5, "the retain set (repair)");
  static final Hyperparameter<Double> LR = Knobs.learningRate(1e-3);
  static final Hyperparameter<Integer> BATCH = Knobs.batchSize(64);

  public EraseRepairUnlearner() {
    super("erase-repair", "re-initialise or noise part of the parameters, then fine-tune on retain",
        MODE, FRACTION, NOISE, EPOCHS, LR, BATCH);
  }

  @Override
  protected Outcome run(UnlearningRequest request, HyperparameterValues v, Cost.Meter meter) {
    Model model = request.model();
    double[] x = request.parameters().toDoubleVector();
    int p = x.length;
    SplittableRandom rng = new SplittableRandom(request.seed());
    double[] fresh = v.get(MODE).equals("reinit")
        ? model.initialParameters(rng.nextLong()).toDoubleVector() : null;
    double fraction = v.get(FRACTION);
    double sd = v.get(NOISE);
    int erased = 0;
    for (int i = 0; i < p; i++) {
      if (rng.nextDouble() < fraction) {
        x[i] = fresh != null ? fresh[i] : x[i] + sd * gaussian(rng);
        erased++;
      }
    }
    TrainingResult r = Steps.finetune(model, request.retainSet(), Vectors.toArray(x,
        model.dataType()), "adam", v.get(EPOCHS), v.get(BATCH), v.get(LR), request.seed(), meter);
    return Outcome.of(r.parameters(), Map.of("erased-parameters", (double) erased));
  }

  private static double gaussian(SplittableRandom rng) {
    // Box-Muller: the JDK's Random.nextGaussian has no SplittableRandom twin before Java 17's RandomGenerator
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

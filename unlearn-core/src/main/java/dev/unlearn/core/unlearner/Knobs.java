package dev.unlearn.core.unlearner;

import dev.unlearn.api.Hyperparameter;
import java.util.List;

/** Hyperparameter declarations shared by several first-order unlearners (with their own defaults). */
final class Knobs {
  private Knobs() {}

  static Hyperparameter<Integer> epochs(int def, String what) {
    return Hyperparameter.ofInt("epochs", def, 1, 10_000, "passes over " + what);
  }

  static Hyperparameter<Double> learningRate(double def) {
    return Hyperparameter.ofDouble("learning-rate", def, 0, false, 100, true, "step size");
  }

  static Hyperparameter<Integer> batchSize(int def) {
    return Hyperparameter.ofInt("batch-size", def, 1, 1_000_000, "rows per minibatch");
  }

  static Hyperparameter<String> optimizer() {
    return Hyperparameter.ofChoice("optimizer", "adam", List.of("adam", "sgd"),
        "first-order optimiser of the fine-tuning (sgd uses momentum 0.9)");
  }
}

package dev.unlearn.core.train;

/**
 * Receives progress from a {@link Trainer}: after every L-BFGS iteration, or after every epoch of
 * Adam/SGD (then {@code loss} is the mean minibatch objective of the epoch and {@code gradientNorm}
 * is NaN).
 */
@FunctionalInterface
public interface TrainingListener {
  void onProgress(int iteration, double loss, double gradientNorm);

  TrainingListener NONE = (i, l, g) -> {};
}

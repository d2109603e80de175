package dev.unlearn.api;

import java.util.Locale;

/**
 * How a model was trained, so that retraining and fine-tuning repeat the same procedure. The
 * objective itself (loss and L2 coefficient) belongs to the {@link Model}; the recipe says how it is
 * minimised.
 *
 * <ul>
 *   <li>{@link Optimizer#LBFGS}: full batch, until &Vert;&nabla;L&Vert;<sub>2</sub> &le;
 *       {@code gradientTolerance} or {@code maxIterations};
 *   <li>{@link Optimizer#ADAM} and {@link Optimizer#SGD}: {@code epochs} passes of minibatches of
 *       {@code batchSize} rows in a seeded shuffled order, step size {@code learningRate}.
 * </ul>
 *
 * @param initialization where training starts: zeros, or {@link Model#initialParameters(long)} with
 *     {@code seed}
 */
public record TrainingRecipe(Optimizer optimizer, int maxIterations, double gradientTolerance,
    int lbfgsMemory, int epochs, int batchSize, double learningRate, double momentum,
    Initialization initialization, long seed) implements java.io.Serializable {

  /** The optimisers the core trainer provides. */
  public enum Optimizer { LBFGS, ADAM, SGD }

  /** Where training starts. */
  public enum Initialization { ZEROS, RANDOM }

  public TrainingRecipe {
    InvalidInputException.check(optimizer != null, "optimizer must not be null");
    InvalidInputException.check(initialization != null, "initialization must not be null");
    InvalidInputException.check(maxIterations >= 1, "maxIterations (%d) must be >= 1", maxIterations);
    InvalidInputException.check(gradientTolerance >= 0 && Double.isFinite(gradientTolerance),
        "gradientTolerance (%s) must be >= 0 and finite", gradientTolerance);
    InvalidInputException.check(lbfgsMemory >= 1, "lbfgsMemory (%d) must be >= 1", lbfgsMemory);
    InvalidInputException.check(epochs >= 0, "epochs (%d) must be >= 0", epochs);
    InvalidInputException.check(batchSize >= 1, "batchSize (%d) must be >= 1", batchSize);
    InvalidInputException.check(learningRate > 0 && Double.isFinite(learningRate),
        "learningRate (%s) must be > 0 and finite", learningRate);
    InvalidInputException.check(momentum >= 0 && momentum < 1, "momentum (%s) must be in [0, 1)",
        momentum);
  }

  /** Full-batch L-BFGS from zeros to &Vert;&nabla;L&Vert; &le; {@code gradientTolerance}. */
  public static TrainingRecipe lbfgs(double gradientTolerance) {
    return new TrainingRecipe(Optimizer.LBFGS, 1000, gradientTolerance, 10, 0, 64, 1.0, 0,
        Initialization.ZEROS, 0);
  }

  /** Adam from a seeded random start, minibatches in a seeded order. */
  public static TrainingRecipe adam(int epochs, int batchSize, double learningRate, long seed) {
    return new TrainingRecipe(Optimizer.ADAM, 1000, 0, 10, epochs, batchSize, learningRate, 0,
        Initialization.RANDOM, seed);
  }

  /** SGD with (heavy-ball) momentum from a seeded random start. */
  public static TrainingRecipe sgd(int epochs, int batchSize, double learningRate, double momentum,
      long seed) {
    return new TrainingRecipe(Optimizer.SGD, 1000, 0, 10, epochs, batchSize, learningRate, momentum,
        Initialization.RANDOM, seed);
  }

  public TrainingRecipe withSeed(long newSeed) {
    return new TrainingRecipe(optimizer, maxIterations, gradientTolerance, lbfgsMemory, epochs,
        batchSize, learningRate, momentum, initialization, newSeed);
  }

  public TrainingRecipe withEpochs(int newEpochs) {
    return new TrainingRecipe(optimizer, maxIterations, gradientTolerance, lbfgsMemory, newEpochs,
        batchSize, learningRate, momentum, initialization, seed);
  }

  public TrainingRecipe withMaxIterations(int newMax) {
    return new TrainingRecipe(optimizer, newMax, gradientTolerance, lbfgsMemory, epochs, batchSize,
        learningRate, momentum, initialization, seed);
  }

  public TrainingRecipe withLearningRate(double lr) {
    return new TrainingRecipe(optimizer, maxIterations, gradientTolerance, lbfgsMemory, epochs,
        batchSize, lr, momentum, initialization, seed);
  }

  public TrainingRecipe withInitialization(Initialization init) {
    return new TrainingRecipe(optimizer, maxIterations, gradientTolerance, lbfgsMemory, epochs,
        batchSize, learningRate, momentum, init, seed);
  }

  @Override
  public String toString() {
    return switch (optimizer) {
      case LBFGS -> String.format(Locale.ROOT, "lbfgs(gtol=%g, max=%d, m=%d, init=%s)",
          gradientTolerance, maxIterations, lbfgsMemory, initialization);
      case ADAM -> String.format(Locale.ROOT, "adam(epochs=%d, batch=%d, lr=%g, seed=%d)", epochs,
          batchSize, learningRate, seed);
      case SGD -> String.format(Locale.ROOT, "sgd(epochs=%d, batch=%d, lr=%g, momentum=%g, seed=%d)",
          epochs, batchSize, learningRate, momentum, seed);
    };
  }
}

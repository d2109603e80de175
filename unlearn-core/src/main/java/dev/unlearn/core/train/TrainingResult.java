package dev.unlearn.core.train;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Termination;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The outcome of a training run.
 *
 * @param parameters the trained &theta; (a new array in the model's data type)
 * @param loss the full-batch objective at {@code parameters}
 * @param gradientNorm &Vert;&nabla;L(&theta;)&Vert;<sub>2</sub> on the full batch at {@code parameters}
 * @param iterations L-BFGS iterations, or minibatch steps for Adam/SGD
 * @param converged L-BFGS: the gradient tolerance was met; Adam/SGD: always true (they run a fixed
 *     number of epochs)
 * @param cost wall time and gradient-equivalents (relative to the training set passed in)
 * @param termination {@link Termination#COMPLETED}, or why the run ended early (its monitor's budget
 *     was spent or its listener said stop; then {@code converged} is false)
 */
public record TrainingResult(INDArray parameters, double loss, double gradientNorm, int iterations,
    boolean converged, Cost cost, Termination termination) {

  public TrainingResult {
    converged = converged && termination == Termination.COMPLETED;
  }

  /** A run that ended normally. */
  public TrainingResult(INDArray parameters, double loss, double gradientNorm, int iterations,
      boolean converged, Cost cost) {
    this(parameters, loss, gradientNorm, iterations, converged, cost, Termination.COMPLETED);
  }
}

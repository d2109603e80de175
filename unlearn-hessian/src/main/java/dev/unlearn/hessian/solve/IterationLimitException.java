package dev.unlearn.hessian.solve;

import dev.unlearn.api.NonConvergenceException;

/** An iterative solver used its whole iteration budget without meeting its tolerance. */
public class IterationLimitException extends NonConvergenceException {
  private static final long serialVersionUID = 1L;
  private final double relativeResidual;

  public IterationLimitException(String message, long iterations, double residualNorm,
      double relativeResidual) {
    super(message + ": relative residual " + relativeResidual + " above tolerance", iterations,
        residualNorm);
    this.relativeResidual = relativeResidual;
  }

  /** The last relative residual &Vert;r&Vert; / &Vert;b&Vert;. */
  public double relativeResidual() {
    return relativeResidual;
  }
}

package dev.unlearn.api;

/**
 * An iterative method stopped before meeting its tolerance: the iteration budget ran out, it
 * diverged, or it met a direction of non-positive curvature. Never a silent exit: the caller learns
 * how far it got.
 */
public class NonConvergenceException extends UnlearningException {
  private static final long serialVersionUID = 1L;
  private final long iterations;
  private final double residualNorm;

  public NonConvergenceException(String message, long iterations, double residualNorm) {
    super(message + " (after " + iterations + " iterations, residual norm " + residualNorm + ")");
    this.iterations = iterations;
    this.residualNorm = residualNorm;
  }

  /** Iterations completed before the method stopped. */
  public long iterations() {
    return iterations;
  }

  /** The last residual norm (absolute), NaN if unknown. */
  public double residualNorm() {
    return residualNorm;
  }
}

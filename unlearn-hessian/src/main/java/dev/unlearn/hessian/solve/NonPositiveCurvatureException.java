package dev.unlearn.hessian.solve;

import dev.unlearn.api.NonConvergenceException;

/**
 * Conjugate gradient met a direction d with d<sup>T</sup> A d &le; 0 (or NaN): the operator is not
 * positive definite (for example a Hessian away from a minimum; damp it or use Gauss-Newton), or
 * the preconditioner is not.
 */
public class NonPositiveCurvatureException extends NonConvergenceException {
  private static final long serialVersionUID = 1L;
  private final double curvature;

  public NonPositiveCurvatureException(String message, long iterations, double residualNorm,
      double curvature) {
    super(message + " (d^T A d / d^T d = " + curvature + ")", iterations, residualNorm);
    this.curvature = curvature;
  }

  /** The Rayleigh quotient d<sup>T</sup>Ad / d<sup>T</sup>d of the offending direction. */
  public double curvature() {
    return curvature;
  }
}

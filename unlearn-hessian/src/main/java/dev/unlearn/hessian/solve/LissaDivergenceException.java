package dev.unlearn.hessian.solve;

import dev.unlearn.api.NonConvergenceException;

/**
 * LiSSA's Neumann iterate grew past its bound: the scale s is below half the largest eigenvalue of
 * some step's operator (so &Vert;I &minus; A/s&Vert; &gt; 1), or the operator is indefinite. Raise the
 * scale.
 */
public class LissaDivergenceException extends NonConvergenceException {
  private static final long serialVersionUID = 1L;
  private final double iterateNorm;
  private final double bound;

  public LissaDivergenceException(long iterations, double residualNorm, double iterateNorm,
      double bound, double scale) {
    super("LiSSA diverged: iterate norm " + iterateNorm + " exceeds the bound " + bound
        + " (scale " + scale + " too small?)", iterations, residualNorm);
    this.iterateNorm = iterateNorm;
    this.bound = bound;
  }

  public double iterateNorm() {
    return iterateNorm;
  }

  public double bound() {
    return bound;
  }
}

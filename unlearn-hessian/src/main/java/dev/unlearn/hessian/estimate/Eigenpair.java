package dev.unlearn.hessian.estimate;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One eigenpair estimate (A v &asymp; &lambda; v, &Vert;v&Vert; = 1).
 *
 * @param value the Rayleigh quotient &lambda; = v<sup>T</sup> A v
 * @param vector the unit vector v, rank 1 (defensive copies in and out)
 * @param residualNorm &Vert;A v &minus; &lambda; v&Vert;: the spread; for symmetric A an eigenvalue
 *     lies within this distance of &lambda;
 * @param iterations iterations run
 * @param matvecs operator products used
 * @param converged whether the residual met the requested tolerance
 */
public record Eigenpair(double value, INDArray vector, double residualNorm, int iterations,
    long matvecs, boolean converged) {
  public Eigenpair {
    vector = vector.dup();
  }

  @Override
  public INDArray vector() {
    return vector.dup();
  }
}

package dev.unlearn.hessian.estimate;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The top-k eigenpair estimates of a symmetric operator, largest first.
 *
 * @param values the k Ritz values, descending (defensive copies)
 * @param vectors p &times; k, column i the unit Ritz vector of values[i] (defensive copies)
 * @param residualNorms &Vert;A y<sub>i</sub> &minus; &theta;<sub>i</sub> y<sub>i</sub>&Vert; per pair:
 *     the spread
 * @param steps Krylov dimension reached
 * @param matvecs operator products used
 * @param converged whether every residual met the requested tolerance
 */
public record Eigenpairs(double[] values, INDArray vectors, double[] residualNorms, int steps,
    long matvecs, boolean converged) {
  public Eigenpairs {
    values = values.clone();
    vectors = vectors.dup();
    residualNorms = residualNorms.clone();
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  @Override
  public INDArray vectors() {
    return vectors.dup();
  }

  @Override
  public double[] residualNorms() {
    return residualNorms.clone();
  }
}

package dev.unlearn.hessian.estimate;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A randomized estimate of diag(A), element by element.
 *
 * @param values the estimated diagonal (length p; defensive copies in and out)
 * @param standardErrors per element: sample standard deviation over probes / &radic;(probes)
 * @param matvecs operator products used
 * @param probes random probe vectors averaged
 */
public record DiagonalEstimate(double[] values, double[] standardErrors, long matvecs, int probes) {
  public DiagonalEstimate {
    values = values.clone();
    standardErrors = standardErrors.clone();
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  @Override
  public double[] standardErrors() {
    return standardErrors.clone();
  }

  /** The estimate as a new float64 rank-1 array. */
  public INDArray toArray() {
    return Nd4j.createFromArray(values.clone());
  }
}

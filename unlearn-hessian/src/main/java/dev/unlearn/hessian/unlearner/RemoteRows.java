package dev.unlearn.hessian.unlearner;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;

/**
 * A model whose feature rows live elsewhere (on a cluster) and whose data sets name them (row
 * handles). {@code certified-removal} needs from the rows themselves: the model they are wrapped
 * around, &Vert;X&#771;&Vert;<sub>2</sub> (from the Gram matrix of the rows with a column of ones, or
 * their Frobenius norm when d is large) and the sum of the fourth powers of the step's logit norms.
 */
public interface RemoteRows {
  /** The in-memory model the rows are evaluated with. */
  Model local();

  /**
   * X&#771;<sup>T</sup>X&#771; for the rows {@code handles} names, X&#771; = [X, 1]: (d+1) &times; (d+1)
   * values, row-major, float64.
   */
  double[] gramWithOnes(Dataset handles);

  /** &Vert;X&#771;&Vert;<sub>F</sub><sup>2</sup> = &Sigma;<sub>i</sub>(1 + &Vert;x<sub>i</sub>&Vert;&sup2;) for the rows {@code handles} names. */
  double frobeniusSquaredWithOnes(Dataset handles);

  /**
   * &Sigma;<sub>i</sub>&Vert;u<sub>i</sub>&Vert;<sup>4</sup> over the rows {@code handles} names, u<sub>i</sub>
   * the logits of row i under {@code parameters} (computed where the rows are).
   */
  double logitNormFourthPowerSum(org.nd4j.linalg.api.ndarray.INDArray parameters, Dataset handles);
}

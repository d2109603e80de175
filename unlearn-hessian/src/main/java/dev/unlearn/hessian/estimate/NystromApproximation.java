package dev.unlearn.hessian.estimate;

import dev.unlearn.hessian.operator.LowRankOperator;
import dev.unlearn.hessian.operator.Operators;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A rank-&ell; Nyström approximation A &asymp; U diag(&Lambda;) U<sup>T</sup> of a PSD operator.
 *
 * @param basis U, p &times; &ell; with orthonormal columns, in the operator's data type (defensive
 *     copies)
 * @param eigenvalues &Lambda;, descending, &gt; 0 (defensive copies)
 * @param shift the stabilising shift &nu; that was added and removed
 * @param matvecs operator products used (&ell;)
 */
public record NystromApproximation(INDArray basis, double[] eigenvalues, double shift, long matvecs) {
  public NystromApproximation {
    basis = basis.dup('f');
    eigenvalues = eigenvalues.clone();
  }

  @Override
  public INDArray basis() {
    return basis.dup('f');
  }

  @Override
  public double[] eigenvalues() {
    return eigenvalues.clone();
  }

  /** The rank &ell;. */
  public int rank() {
    return eigenvalues.length;
  }

  /** The smallest retained eigenvalue &lambda;<sub>&ell;</sub>. */
  public double smallestEigenvalue() {
    return eigenvalues[eigenvalues.length - 1];
  }

  /** U diag(&Lambda;) U<sup>T</sup> as an operator. */
  public LowRankOperator operator() {
    return Operators.lowRank(basis, Nd4j.createFromArray(eigenvalues.clone()).castTo(basis.dataType()));
  }
}

package dev.unlearn.hessian.operator;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A symmetric low-rank matrix U diag(&Lambda;) U<sup>T</sup> with U p &times; r (r &le; p); two
 * gemms per product, O(p r k). U need not be orthonormal for products, but the Woodbury inverse
 * and the Nyström preconditioner require it. U and &Lambda; are copied and must be finite. Safe for
 * one thread at a time (r &times; k scratch).
 */
public final class LowRankOperator extends AbstractCurvatureOperator {
  private final INDArray basis; // p x r
  private final INDArray eigenvalues; // r x 1
  private INDArray scratch;

  LowRankOperator(INDArray basis, INDArray eigenvalues) {
    super(rows(basis), basis.dataType());
    InvalidInputException.check(eigenvalues != null && eigenvalues.isVector()
        && eigenvalues.length() == basis.columns(),
        "eigenvalues length (%d) must equal the basis columns (%d)",
        eigenvalues == null ? -1 : eigenvalues.length(), basis.columns());
    Checks.allFinite(basis, "basis");
    Checks.allFinite(eigenvalues, "eigenvalues");
    this.basis = basis.dup('f');
    this.eigenvalues = eigenvalues.castTo(basis.dataType()).reshape(basis.columns(), 1).dup('f');
  }

  private static int rows(INDArray u) {
    InvalidInputException.check(u != null && u.rank() == 2 && u.columns() >= 1 && u.columns() <= u.rows(),
        "basis must be a p x r matrix with 1 <= r <= p, got %s",
        u == null ? "null" : java.util.Arrays.toString(u.shape()));
    return u.rows();
  }

  /** U, p &times; r, a new array. */
  public INDArray basis() {
    return basis.dup();
  }

  /** &Lambda;, length r, a new array. */
  public INDArray eigenvalues() {
    return eigenvalues.reshape(eigenvalues.length()).dup();
  }

  /** The rank r. */
  public int rank() {
    return basis.columns();
  }

  INDArray basisView() {
    return basis;
  }

  @Override
  protected void applyBlock(INDArray v, INDArray out) {
    int k = v.columns();
    if (scratch == null || scratch.columns() != k) {
      scratch = Nd4j.create(dataType(), new long[] {rank(), k}, 'f');
    }
    Nd4j.gemm(basis, v, scratch, true, false, 1.0, 0.0);
    scratch.muliColumnVector(eigenvalues);
    Nd4j.gemm(basis, scratch, out, false, false, 1.0, 0.0);
  }

  @Override
  public String toString() {
    return "LowRank(p=" + dimension() + ", r=" + rank() + ")";
  }
}

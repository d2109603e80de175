package dev.unlearn.hessian.operator;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An explicit p &times; p matrix (for small p and tests); one gemm per product. The matrix is
 * copied and must be finite; symmetry is detected at construction (exact up to 1e-12 relative).
 * Thread-safe.
 */
public final class DenseOperator extends AbstractCurvatureOperator {
  private final INDArray matrix;
  private final boolean symmetric;

  DenseOperator(INDArray matrix) {
    super(square(matrix), matrix.dataType());
    Checks.allFinite(matrix, "matrix");
    this.matrix = matrix.dup('f');
    double scale = matrix.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).amaxNumber().doubleValue();
    double asym = matrix.sub(matrix.transpose()).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
        .amaxNumber().doubleValue();
    this.symmetric = asym <= 1e-12 * scale;
  }

  private static int square(INDArray a) {
    InvalidInputException.check(a != null && a.rank() == 2 && a.rows() == a.columns() && a.rows() >= 1,
        "matrix must be square and non-empty, got %s",
        a == null ? "null" : java.util.Arrays.toString(a.shape()));
    return a.rows();
  }

  /** The matrix, a new array. */
  public INDArray matrix() {
    return matrix.dup();
  }

  @Override
  public boolean isSymmetric() {
    return symmetric;
  }

  @Override
  protected void applyBlock(INDArray v, INDArray out) {
    Nd4j.gemm(matrix, v, out, false, false, 1.0, 0.0);
  }

  @Override
  public String toString() {
    return "Dense(p=" + dimension() + ")";
  }
}

package dev.unlearn.hessian.solve;

import dev.unlearn.hessian.internal.Factorizations;
import dev.unlearn.hessian.operator.AbstractCurvatureOperator;
import dev.unlearn.hessian.operator.CurvatureOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The dense inverse of a symmetric positive definite operator for small p: forms A (p matvecs),
 * factorises A = LL<sup>T</sup> once (blocked Cholesky, float64) and keeps L<sup>-1</sup>; each
 * application is A<sup>-1</sup>v = L<sup>-T</sup>(L<sup>-1</sup>v), two gemms, O(p&sup2;k). A matrix
 * that is not positive definite is rejected with {@link dev.unlearn.api.InvalidInputException}.
 * Memory p&sup2;. Safe for one thread at a time.
 */
public final class CholeskyInverse extends AbstractCurvatureOperator implements PreparedInverse {
  private final CurvatureOperator forward;
  private final INDArray lowerInverse; // p x p
  private INDArray scratch;

  CholeskyInverse(CurvatureOperator a) {
    super(a.dimension(), a.dataType());
    this.forward = a;
    INDArray dense = a.toDense();
    INDArray l = Factorizations.cholesky(dense, "operator (" + a + ")");
    this.lowerInverse = Factorizations.lowerSolve(l, Nd4j.eye(a.dimension()).castTo(DataType.DOUBLE))
        .castTo(a.dataType()).dup('f');
  }

  @Override
  public CurvatureOperator forward() {
    return forward;
  }

  @Override
  protected void applyBlock(INDArray v, INDArray out) {
    int k = v.columns();
    if (scratch == null || scratch.columns() != k) {
      scratch = Nd4j.create(dataType(), new long[] {dimension(), k}, 'f');
    }
    Nd4j.gemm(lowerInverse, v, scratch, false, false, 1.0, 0.0);
    Nd4j.gemm(lowerInverse, scratch, out, true, false, 1.0, 0.0);
  }

  @Override
  public String toString() {
    return "Cholesky(p=" + dimension() + ")";
  }
}

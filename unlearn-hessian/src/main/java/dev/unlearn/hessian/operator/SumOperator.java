package dev.unlearn.hessian.operator;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.internal.Vectors;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A + B for two operators of one dimension and data type. Safe for one thread at a time (it keeps
 * a p &times; k scratch buffer).
 */
public final class SumOperator extends AbstractCurvatureOperator {
  private final CurvatureOperator first;
  private final CurvatureOperator second;
  private INDArray scratch;

  SumOperator(CurvatureOperator first, CurvatureOperator second) {
    super(Operators.requireOperator(first, "first").dimension(), first.dataType());
    Operators.requireOperator(second, "second");
    InvalidInputException.check(second.dimension() == first.dimension(),
        "second dimension (%d) must equal first dimension (%d)", second.dimension(), first.dimension());
    InvalidInputException.check(second.dataType() == first.dataType(),
        "second data type (%s) must equal first data type (%s)", second.dataType(), first.dataType());
    this.first = first;
    this.second = second;
  }

  public CurvatureOperator first() {
    return first;
  }

  public CurvatureOperator second() {
    return second;
  }

  @Override
  public boolean isSymmetric() {
    return first.isSymmetric() && second.isSymmetric();
  }

  @Override
  protected void applyBlock(INDArray v, INDArray out) {
    first.apply(v, out);
    if (scratch == null || !java.util.Arrays.equals(scratch.shape(), v.shape())) {
      scratch = Nd4j.create(dataType(), v.shape(), out.ordering());
    }
    second.apply(v, scratch);
    Vectors.axpyAny(1.0, scratch, out);
  }

  @Override
  public String toString() {
    return "(" + first + " + " + second + ")";
  }
}

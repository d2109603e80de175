package dev.unlearn.hessian.operator;

import dev.unlearn.hessian.internal.Checks;
import dev.unlearn.hessian.internal.Vectors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A + &delta; I for an operator A (curvlinops' damping): one product of A plus one axpy. &delta; must
 * be finite (any sign). Thread safety is that of A.
 */
public final class DampedOperator extends AbstractCurvatureOperator {
  private final CurvatureOperator inner;
  private final double delta;

  DampedOperator(CurvatureOperator inner, double delta) {
    super(Operators.requireOperator(inner, "inner").dimension(), inner.dataType());
    Checks.finite(delta, "delta");
    this.inner = inner;
    this.delta = delta;
  }

  public CurvatureOperator inner() {
    return inner;
  }

  public double delta() {
    return delta;
  }

  @Override
  public boolean isSymmetric() {
    return inner.isSymmetric();
  }

  @Override
  protected void applyBlock(INDArray v, INDArray out) {
    inner.apply(v, out);
    if (delta != 0) {
      Vectors.axpyAny(delta, v, out);
    }
  }

  @Override
  public String toString() {
    return "(" + inner + " + " + delta + " I)";
  }
}

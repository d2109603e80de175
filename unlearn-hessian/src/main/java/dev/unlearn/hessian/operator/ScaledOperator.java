package dev.unlearn.hessian.operator;

import dev.unlearn.hessian.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;

/** c A for an operator A and a finite scalar c. Thread safety is that of A. */
public final class ScaledOperator extends AbstractCurvatureOperator {
  private final CurvatureOperator inner;
  private final double scale;

  ScaledOperator(CurvatureOperator inner, double scale) {
    super(Operators.requireOperator(inner, "inner").dimension(), inner.dataType());
    Checks.finite(scale, "scale");
    this.inner = inner;
    this.scale = scale;
  }

  public CurvatureOperator inner() {
    return inner;
  }

  public double scale() {
    return scale;
  }

  @Override
  public boolean isSymmetric() {
    return inner.isSymmetric();
  }

  @Override
  protected void applyBlock(INDArray v, INDArray out) {
    inner.apply(v, out);
    if (scale != 1.0) {
      out.muli(scale);
    }
  }

  @Override
  public String toString() {
    return scale + " " + inner;
  }
}

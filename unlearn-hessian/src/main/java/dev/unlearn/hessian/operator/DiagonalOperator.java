package dev.unlearn.hessian.operator;

import dev.unlearn.hessian.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A diagonal matrix diag(d). The entries are copied at construction and must be finite; an empty
 * d is rejected. Thread-safe.
 */
public final class DiagonalOperator extends AbstractCurvatureOperator {
  private final INDArray diagonal; // p x 1

  DiagonalOperator(INDArray d) {
    super((int) requireVector(d).length(), d.dataType());
    Checks.allFinite(d, "diagonal");
    this.diagonal = d.reshape(d.length(), 1).dup('f');
  }

  private static INDArray requireVector(INDArray d) {
    dev.unlearn.api.InvalidInputException.check(d != null && d.isVector() && d.length() >= 1,
        "diagonal must be a non-empty vector");
    return d;
  }

  /** The diagonal as a new rank-1 array. */
  public INDArray diagonal() {
    return diagonal.reshape(diagonal.length()).dup();
  }

  @Override
  protected void applyBlock(INDArray v, INDArray out) {
    out.assign(v).muliColumnVector(diagonal);
  }

  @Override
  public String toString() {
    return "Diagonal(p=" + dimension() + ")";
  }
}

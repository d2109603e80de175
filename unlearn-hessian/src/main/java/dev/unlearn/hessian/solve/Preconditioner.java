package dev.unlearn.hessian.solve;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.internal.Checks;
import dev.unlearn.hessian.operator.CurvatureOperator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An approximation M<sup>-1</sup> &asymp; A<sup>-1</sup> for preconditioned conjugate gradient
 * (Commons Math's {@code PreconditionedIterativeLinearSolver}); it must be symmetric positive
 * definite. Implementations write into the solver's preallocated buffer and should not allocate.
 * Safe for one thread at a time.
 */
public interface Preconditioner {

  /** The dimension p. */
  int dimension();

  /**
   * Writes z = M<sup>-1</sup> r. Both are p &times; 1 contiguous arrays owned by the solver, of the
   * operator's data type; r must not be modified.
   */
  void apply(INDArray r, INDArray z);

  /** A preconditioner that applies a given approximate inverse operator. */
  static Preconditioner of(CurvatureOperator approximateInverse) {
    InvalidInputException.check(approximateInverse != null, "approximateInverse must not be null");
    return new Preconditioner() {
      @Override
      public int dimension() {
        return approximateInverse.dimension();
      }

      @Override
      public void apply(INDArray r, INDArray z) {
        approximateInverse.apply(r, z);
      }
    };
  }

  /** Jacobi: M = diag(d) for a positive finite diagonal d (copied). */
  static Preconditioner jacobi(INDArray diagonal) {
    InvalidInputException.check(diagonal != null && diagonal.isVector(), "diagonal must be a vector");
    Checks.allFinite(diagonal, "diagonal");
    double min = diagonal.minNumber().doubleValue();
    InvalidInputException.check(min > 0, "diagonal minimum (%s) must be > 0", min);
    INDArray inv = Nd4j.ones(diagonal.dataType(), diagonal.length(), 1).divi(
        diagonal.reshape(diagonal.length(), 1));
    return new Preconditioner() {
      @Override
      public int dimension() {
        return (int) inv.length();
      }

      @Override
      public void apply(INDArray r, INDArray z) {
        z.assign(r).muli(inv);
      }
    };
  }
}

package dev.unlearn.hessian.solve;

import dev.unlearn.hessian.internal.Vectors;
import dev.unlearn.hessian.operator.CurvatureOperator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A curvature inverse A<sup>-1</sup> prepared once (a factorisation or a low-rank form) and applied
 * to any number of right-hand sides, each a vector or a p &times; k block: the piece that makes
 * amortised deletion cheap (prepare per trained model, then one apply per deletion request).
 * It is itself a {@link CurvatureOperator} (the inverse), so it can precondition CG through
 * {@link Preconditioner#of}. NaN in b propagates to the answer; use {@link #solveChecked} to get
 * the residual.
 *
 * <pre>{@code
 * PreparedInverse inv = Solvers.fisherWoodbury(Operators.empiricalFisher(gRetain, 1e-3));
 * INDArray step = inv.solve(gForget);   // O(m p), no new factorisation
 * }</pre>
 */
public interface PreparedInverse extends CurvatureOperator {

  /** The forward operator A this inverts. */
  CurvatureOperator forward();

  /** A<sup>-1</sup> b as a new array (the same as {@link #apply(INDArray)}). */
  default INDArray solve(INDArray b) {
    return apply(b);
  }

  /** A<sup>-1</sup> b into {@code out}. */
  default INDArray solve(INDArray b, INDArray out) {
    return apply(b, out);
  }

  /**
   * Solves one right-hand side and checks it: one extra product with A for the relative residual
   * &Vert;b &minus; A x&Vert; / &Vert;b&Vert;, reported in the result (converged is true when it is
   * finite).
   */
  default SolverResult solveChecked(INDArray b) {
    long start = System.nanoTime();
    INDArray x = solve(b);
    INDArray r = forward().apply(x);
    double bn = b.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).norm2Number().doubleValue();
    Vectors.axpyAny(-1.0, b, r);
    double rel = bn == 0 ? 0 : r.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).norm2Number().doubleValue() / bn;
    return new SolverResult(x, 0, 1, new double[] {rel}, Double.isFinite(rel), rel, System.nanoTime() - start);
  }
}

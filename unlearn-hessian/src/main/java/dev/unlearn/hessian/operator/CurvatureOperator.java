package dev.unlearn.hessian.operator;

import dev.unlearn.hessian.internal.Checks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A square linear operator A over parameter space (p &times; p), known only through its products
 * with vectors: the shape every curvature matrix, estimator and solver in this module speaks
 * (after Commons Math's {@code RealLinearOperator} and curvlinops' operator algebra).
 *
 * <pre>{@code
 * CurvatureOperator h = Operators.hessian(model.at(theta, data)).damped(1e-3); // H + 1e-3 I
 * INDArray hv = h.apply(v);                    // v: [p] or [p, k]
 * h.apply(v, out);                              // into a preallocated array, no allocation
 * long used = h.matvecs();                      // a p x k block counts k
 * }</pre>
 *
 * <p>{@code apply} accepts a rank-1 vector of length p or a p &times; k block (k &ge; 1) in {@link
 * #dataType()} and returns the same shape; {@code out} must have the shape of v and must not be v.
 * The input is never modified. NaN or infinity in v propagates to the result (operators do not
 * scan their inputs; solvers and estimators check theirs). Unless an implementation says
 * otherwise an operator is safe for use by one thread at a time (it may keep scratch buffers),
 * like the {@link dev.unlearn.api.ModelPoint} it may wrap.
 */
public interface CurvatureOperator {

  /** The dimension p. */
  int dimension();

  /** The data type of the vectors it takes and returns. */
  DataType dataType();

  /** Whether the operator is symmetric (A = A<sup>T</sup>). */
  boolean isSymmetric();

  /**
   * Writes A v into {@code out} and returns {@code out}.
   *
   * @throws dev.unlearn.api.InvalidInputException if v or out has the wrong shape or data type
   */
  INDArray apply(INDArray v, INDArray out);

  /** A v as a new array of the shape of v. */
  default INDArray apply(INDArray v) {
    Checks.columns(v, dimension(), dataType(), "v");
    INDArray out = Nd4j.create(dataType(), v.shape(), v.rank() == 1 ? 'c' : 'f');
    return apply(v, out);
  }

  /**
   * The number of vectors this operator has been applied to since it was made (a p &times; k
   * block counts k). Composite operators count their own applications; their parts keep their
   * own counts.
   */
  long matvecs();

  /** A + &delta; I (curvlinops' damping), a view that applies this operator. */
  default CurvatureOperator damped(double delta) {
    return new DampedOperator(this, delta);
  }

  /** c A. */
  default CurvatureOperator scaled(double c) {
    return new ScaledOperator(this, c);
  }

  /** A + B. */
  default CurvatureOperator plus(CurvatureOperator other) {
    return new SumOperator(this, other);
  }

  /**
   * The dense p &times; p matrix (float64, a new array), formed by applying the operator to the
   * identity in blocks: p matvecs. For small p and tests.
   */
  default INDArray toDense() {
    int p = dimension();
    INDArray dense = Nd4j.create(DataType.DOUBLE, new long[] {p, p}, 'f');
    int block = 256;
    for (int c0 = 0; c0 < p; c0 += block) {
      int c1 = Math.min(p, c0 + block);
      INDArray e = Nd4j.create(DataType.DOUBLE, new long[] {p, c1 - c0}, 'f');
      for (int j = c0; j < c1; j++) {
        e.putScalar(j, j - c0, 1.0);
      }
      INDArray cols = apply(e.castTo(dataType())).castTo(DataType.DOUBLE);
      dense.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
          org.nd4j.linalg.indexing.NDArrayIndex.interval(c0, c1)).assign(cols);
    }
    return dense;
  }
}

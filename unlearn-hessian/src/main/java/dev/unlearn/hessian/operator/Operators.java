package dev.unlearn.hessian.operator;

import dev.unlearn.api.Cost;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.ModelPoint;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Factories for the curvature operators of this package.
 *
 * <pre>{@code
 * ModelPoint at = model.at(theta, retain);
 * CurvatureOperator h = Operators.hessian(at).damped(1e-4);
 * CurvatureOperator f = Operators.empiricalFisher(at, 1e-3);   // 1e-3 I + (1/m) G^T G
 * }</pre>
 */
public final class Operators {
  private Operators() {}

  /** The exact Hessian of the objective at a point (includes &lambda; I). */
  public static ModelCurvatureOperator hessian(ModelPoint point) {
    return new ModelCurvatureOperator(point, ModelCurvatureOperator.Kind.HESSIAN);
  }

  /** The generalised Gauss-Newton matrix at a point (includes &lambda; I; PSD). */
  public static ModelCurvatureOperator gaussNewton(ModelPoint point) {
    return new ModelCurvatureOperator(point, ModelCurvatureOperator.Kind.GAUSS_NEWTON);
  }

  /**
   * The damped empirical Fisher &lambda; I + (1/m) G<sup>T</sup> G of m per-example gradients G
   * (m &times; p); keeps a reference to G.
   */
  public static EmpiricalFisherOperator empiricalFisher(INDArray gradients, double damping) {
    return new EmpiricalFisherOperator(gradients, damping);
  }

  /**
   * The damped empirical Fisher of a point's per-example gradients (computed once here; the model's
   * own L2 term is not included, pass it in {@code damping} if wanted).
   */
  public static EmpiricalFisherOperator empiricalFisher(ModelPoint point, double damping) {
    InvalidInputException.check(point != null, "point must not be null");
    return new EmpiricalFisherOperator(point.perExampleGradients(), damping);
  }

  /** diag(d) for a vector d (copied). */
  public static DiagonalOperator diagonal(INDArray d) {
    return new DiagonalOperator(d);
  }

  /** U diag(&Lambda;) U<sup>T</sup> (copied). */
  public static LowRankOperator lowRank(INDArray basis, INDArray eigenvalues) {
    return new LowRankOperator(basis, eigenvalues);
  }

  /** An explicit square matrix (copied). */
  public static DenseOperator dense(INDArray matrix) {
    return new DenseOperator(matrix);
  }

  /** The identity of dimension p. */
  public static DiagonalOperator identity(int p, DataType type) {
    InvalidInputException.check(p >= 1, "p (%d) must be >= 1", p);
    return new DiagonalOperator(Nd4j.ones(type, p));
  }

  /** A + &delta; I. */
  public static DampedOperator damped(CurvatureOperator a, double delta) {
    return new DampedOperator(a, delta);
  }

  /** c A. */
  public static ScaledOperator scaled(CurvatureOperator a, double c) {
    return new ScaledOperator(a, c);
  }

  /** A + B. */
  public static SumOperator sum(CurvatureOperator a, CurvatureOperator b) {
    return new SumOperator(a, b);
  }

  /**
   * A that counts its products on {@code meter} and checks the meter's monitor before every one
   * (see {@link MonitoredOperator}): how the unlearners meter their solves and bound them by the
   * request's budget and interrupts.
   */
  public static MonitoredOperator monitored(CurvatureOperator a, Cost.Meter meter) {
    return new MonitoredOperator(a, meter);
  }

  static CurvatureOperator requireOperator(CurvatureOperator op, String name) {
    InvalidInputException.check(op != null, "%s must not be null", name);
    return op;
  }
}

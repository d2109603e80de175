package dev.unlearn.hessian.operator;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.ModelPoint;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The exact Hessian or the generalised Gauss-Newton matrix of a model's objective at one point,
 * through {@link ModelPoint#hessianVectorProduct(INDArray, INDArray)} (Pearlmutter 1994) or
 * {@link ModelPoint#gaussNewtonVectorProduct(INDArray, INDArray)}. Both include the L2 term
 * &lambda; I of the objective. Blocks go to the model as blocks (one batched product).
 * Safe for one thread at a time, like the point it wraps.
 */
public final class ModelCurvatureOperator extends AbstractCurvatureOperator {

  /** Which curvature matrix of the model. */
  public enum Kind {
    /** The exact Hessian &nabla;&sup2;L(&theta;); may be indefinite away from a minimum. */
    HESSIAN,
    /** The generalised Gauss-Newton matrix; positive semi-definite. */
    GAUSS_NEWTON
  }

  private final ModelPoint point;
  private final Kind kind;

  ModelCurvatureOperator(ModelPoint point, Kind kind) {
    super(requirePoint(point).model().numParameters(), point.model().dataType());
    InvalidInputException.check(kind != null, "kind must not be null");
    this.point = point;
    this.kind = kind;
  }

  private static ModelPoint requirePoint(ModelPoint point) {
    InvalidInputException.check(point != null, "point must not be null");
    return point;
  }

  public ModelPoint point() {
    return point;
  }

  public Kind kind() {
    return kind;
  }

  @Override
  protected void applyBlock(INDArray v, INDArray out) {
    if (kind == Kind.HESSIAN) {
      point.hessianVectorProduct(v, out);
    } else {
      point.gaussNewtonVectorProduct(v, out);
    }
  }

  @Override
  public String toString() {
    return kind + "(" + point.model().name() + ")";
  }
}

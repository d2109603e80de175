package dev.unlearn.hessian.operator;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.internal.Checks;
import java.util.concurrent.atomic.LongAdder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The skeleton of a {@link CurvatureOperator}: checks shapes and data types, counts matvecs, and
 * hands the implementation p &times; k matrices only (a rank-1 vector arrives as a p &times; 1 view
 * of the caller's array). Subclasses implement {@link #applyBlock}.
 */
public abstract class AbstractCurvatureOperator implements CurvatureOperator {
  private final int dimension;
  private final DataType dataType;
  private final LongAdder matvecs = new LongAdder();

  protected AbstractCurvatureOperator(int dimension, DataType dataType) {
    InvalidInputException.check(dimension >= 1, "dimension (%d) must be >= 1", dimension);
    Checks.floatingType(dataType, "operator");
    this.dimension = dimension;
    this.dataType = dataType;
  }

  @Override
  public final int dimension() {
    return dimension;
  }

  @Override
  public final DataType dataType() {
    return dataType;
  }

  @Override
  public boolean isSymmetric() {
    return true;
  }

  @Override
  public final long matvecs() {
    return matvecs.sum();
  }

  @Override
  public final INDArray apply(INDArray v, INDArray out) {
    int k = Checks.columns(v, dimension, dataType, "v");
    InvalidInputException.check(out != null, "out must not be null");
    Checks.sameShape(out, v, "out", "v");
    if (out.dataType() != dataType) { // formatted only on failure: this runs for every product
      throw new InvalidInputException(String.format(java.util.Locale.ROOT,
          "out data type (%s) must be %s", out.dataType(), dataType));
    }
    InvalidInputException.check(out != v, "out must not be the same array as v");
    if (v.rank() == 2) {
      applyBlock(v, out);
    } else {
      INDArray v2 = v.reshape('c', dimension, 1);
      if (out.elementWiseStride() == 1) {
        applyBlock(v2, out.reshape('c', dimension, 1));
      } else {
        INDArray tmp = org.nd4j.linalg.factory.Nd4j.create(dataType, new long[] {dimension, 1}, 'f');
        applyBlock(v2, tmp);
        out.assign(tmp.reshape(dimension));
      }
    }
    matvecs.add(k);
    return out;
  }

  /**
   * Writes A v into out; both are p &times; k matrices of the operator's data type, already
   * checked, and distinct arrays.
   */
  protected abstract void applyBlock(INDArray v, INDArray out);
}

package dev.unlearn.hessian.internal;

import dev.unlearn.api.InvalidInputException;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Fail-fast argument checks shared by operators, estimators and solvers. */
public final class Checks {
  private Checks() {}

  /**
   * Checks that {@code v} is a vector of length p (rank 1, or p &times; 1) or a p &times; k block,
   * in data type {@code type}, and returns its number of columns k.
   */
  public static int columns(INDArray v, long p, DataType type, String name) {
    // messages are formatted only on failure: this runs for every operator product
    if (v == null) {
      throw fail("%s must not be null", name);
    }
    int k;
    if (v.rank() == 1) {
      if (v.length() != p) {
        throw fail("%s length (%d) must be %d", name, v.length(), p);
      }
      k = 1;
    } else {
      if (v.rank() != 2 || v.rows() != p) {
        throw fail("%s shape (%s) must be [%d] or [%d, k]", name, Arrays.toString(v.shape()), p, p);
      }
      k = v.columns();
      if (k < 1) {
        throw fail("%s columns (%d) must be >= 1", name, k);
      }
    }
    if (v.dataType() != type) {
      throw fail("%s data type (%s) must be %s", name, v.dataType(), type);
    }
    return k;
  }

  private static InvalidInputException fail(String format, Object... args) {
    return new InvalidInputException(String.format(java.util.Locale.ROOT, format, args));
  }

  /** Checks {@code a} and {@code b} have the same shape. */
  public static void sameShape(INDArray a, INDArray b, String nameA, String nameB) {
    boolean same = a.rank() == b.rank();
    for (int i = 0; same && i < a.rank(); i++) {
      same = a.size(i) == b.size(i);
    }
    if (!same) {
      throw fail("%s shape (%s) must equal %s shape (%s)", nameA, Arrays.toString(a.shape()), nameB,
          Arrays.toString(b.shape()));
    }
  }

  /** Checks that a scalar is finite. */
  public static void finite(double x, String name) {
    InvalidInputException.check(Double.isFinite(x), "%s (%s) must be finite", name, x);
  }

  /** Checks that a scalar is finite and strictly positive. */
  public static void positive(double x, String name) {
    InvalidInputException.check(Double.isFinite(x) && x > 0, "%s (%s) must be > 0", name, x);
  }

  /** Checks that a scalar is finite and non-negative. */
  public static void nonNegative(double x, String name) {
    InvalidInputException.check(Double.isFinite(x) && x >= 0, "%s (%s) must be >= 0", name, x);
  }

  /** Checks that the floating-point type is float32 or float64. */
  public static void floatingType(DataType type, String name) {
    InvalidInputException.check(type == DataType.DOUBLE || type == DataType.FLOAT,
        "%s data type (%s) must be DOUBLE or FLOAT", name, type);
  }

  /** Checks that every element of {@code a} is finite (one reduction). */
  public static void allFinite(INDArray a, String name) {
    double s = a.castTo(DataType.DOUBLE).norm2Number().doubleValue();
    if (!Double.isFinite(s)) {
      boolean nan = a.isNaN().any();
      throw new InvalidInputException(String.format(java.util.Locale.ROOT,
          "%s (contains %s) must be finite", name, nan ? "NaN" : "infinity"));
    }
  }
}

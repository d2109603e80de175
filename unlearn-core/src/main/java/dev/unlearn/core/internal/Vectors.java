package dev.unlearn.core.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Plain-Java helpers on {@code double[]} vectors, accumulated in double. */
public final class Vectors {
  private Vectors() {}

  /** A new rank-1 array of the values in the given data type. */
  public static INDArray toArray(double[] x, DataType type) {
    INDArray a = Nd4j.createFromArray(x);
    return type == DataType.DOUBLE ? a : a.castTo(type);
  }

  public static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  public static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  /** y += alpha * x. */
  public static void axpy(double alpha, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += alpha * x[i];
    }
  }

  /** x *= alpha. */
  public static void scale(double alpha, double[] x) {
    for (int i = 0; i < x.length; i++) {
      x[i] *= alpha;
    }
  }
}

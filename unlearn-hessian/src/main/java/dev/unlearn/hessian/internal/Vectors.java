package dev.unlearn.hessian.internal;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Level-1 kernels on contiguous vectors (rank 1 or p &times; 1 with unit stride) that allocate
 * nothing: BLAS calls for float64, and for float32 dot products accumulated in double by a plain
 * loop. Callers own the buffers; these methods only read and write them.
 */
public final class Vectors {
  private Vectors() {}

  private static Level1 l1() {
    return Nd4j.getBlasWrapper().level1();
  }

  /** A new zero column p &times; 1 in {@code type}, contiguous. */
  public static INDArray column(DataType type, long p) {
    return Nd4j.create(type, new long[] {p, 1}, 'f');
  }

  /** x&middot;y, accumulated in double. */
  public static double dot(INDArray x, INDArray y) {
    long n = x.length();
    if (x.dataType() == DataType.DOUBLE) {
      return l1().dot(n, 1.0, x, y);
    }
    FloatBuffer a = x.data().asNioFloat();
    FloatBuffer b = y.data().asNioFloat();
    int ox = (int) x.offset();
    int oy = (int) y.offset();
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += (double) a.get(ox + i) * b.get(oy + i);
    }
    return s;
  }

  /** The Euclidean norm, accumulated in double. */
  public static double norm(INDArray x) {
    if (x.dataType() == DataType.DOUBLE) {
      return l1().nrm2(x);
    }
    return Math.sqrt(dot(x, x));
  }

  /** y &larr; a x + y. */
  public static void axpy(double a, INDArray x, INDArray y) {
    l1().axpy(x.length(), a, x, y);
  }

  /** x &larr; a x. */
  public static void scal(double a, INDArray x) {
    l1().scal(x.length(), a, x);
  }

  /** dst &larr; src. */
  public static void copy(INDArray src, INDArray dst) {
    l1().copy(src, dst);
  }

  /** Whether x and y can be handled as flat buffers of equal layout. */
  public static boolean flatCompatible(INDArray x, INDArray y) {
    return x.elementWiseStride() == 1 && y.elementWiseStride() == 1
        && (x.rank() == 1 || x.columns() == 1 || x.ordering() == y.ordering())
        && x.length() == y.length() && x.dataType() == y.dataType();
  }

  /** y &larr; a x + y for same-shape arrays of any layout (BLAS when flat, else an ND4J op). */
  public static void axpyAny(double a, INDArray x, INDArray y) {
    if (flatCompatible(x, y)) {
      axpy(a, x, y);
    } else {
      y.addi(x.mul(a));
    }
  }
}

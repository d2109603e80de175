package dev.unlearn.hessian.internal;

import dev.unlearn.core.internal.NioViews;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Level-1 kernels on contiguous vectors (rank 1 or p &times; 1 with unit stride) that allocate
 * nothing in steady state: on the CPU backend OpenBLAS's {@code cblas_d*}/{@code cblas_s*} called
 * directly on the arrays' buffers (through {@link NioViews}, cached per thread); elsewhere ND4J's
 * level-1 wrapper. float32 dot products and norms are accumulated in double by a plain loop on
 * both. Callers own the buffers; these methods only read and write them.
 */
public final class Vectors {
  private static final boolean NATIVE = NioViews.directBlas();

  private Vectors() {}

  /** Whether x can be handed to the direct calls: float64/float32, unit element stride. */
  private static boolean direct(INDArray x) {
    return NATIVE && x.elementWiseStride() == 1 && NioViews.fits(x)
        && (x.dataType() == DataType.DOUBLE || x.dataType() == DataType.FLOAT);
  }

  /** The views do not keep the buffers alive: ND4J frees them when their arrays are collected. */
  private static void fence(INDArray x, INDArray y) {
    java.lang.ref.Reference.reachabilityFence(x);
    java.lang.ref.Reference.reachabilityFence(y);
  }

  private static DoubleBuffer d(INDArray x, int operand) {
    return NioViews.doublesAt(x, operand);
  }

  private static FloatBuffer f(INDArray x, int operand) {
    return NioViews.floatsAt(x, operand);
  }

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
      if (direct(x) && direct(y) && y.dataType() == DataType.DOUBLE && y.length() == n) {
        double r = Blas.ddot((int) n, d(x, 0), d(y, 1));
        fence(x, y);
        return r;
      }
      return l1().dot(n, 1.0, x, y);
    }
    FloatBuffer a = NioViews.floats(x, 0);
    FloatBuffer b = NioViews.floats(y, 1);
    int ox = (int) x.offset();
    int oy = (int) y.offset();
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += (double) a.get(ox + i) * b.get(oy + i);
    }
    fence(x, y);
    return s;
  }

  /** The Euclidean norm, accumulated in double. */
  public static double norm(INDArray x) {
    if (x.dataType() == DataType.DOUBLE) {
      if (direct(x)) {
        double r = Blas.dnrm2((int) x.length(), d(x, 0));
        fence(x, x);
        return r;
      }
      return l1().nrm2(x);
    }
    return Math.sqrt(dot(x, x));
  }

  /** y &larr; a x + y. */
  public static void axpy(double a, INDArray x, INDArray y) {
    if (direct(x) && direct(y) && x.dataType() == y.dataType() && x.length() == y.length()) {
      if (x.dataType() == DataType.DOUBLE) {
        Blas.daxpy((int) x.length(), a, d(x, 0), d(y, 1));
      } else {
        Blas.saxpy((int) x.length(), (float) a, f(x, 0), f(y, 1));
      }
      fence(x, y);
      return;
    }
    l1().axpy(x.length(), a, x, y);
  }

  /** x &larr; a x. */
  public static void scal(double a, INDArray x) {
    if (direct(x)) {
      if (x.dataType() == DataType.DOUBLE) {
        Blas.dscal((int) x.length(), a, d(x, 0));
      } else {
        Blas.sscal((int) x.length(), (float) a, f(x, 0));
      }
      fence(x, x);
      return;
    }
    l1().scal(x.length(), a, x);
  }

  /** dst &larr; src. */
  public static void copy(INDArray src, INDArray dst) {
    if (direct(src) && direct(dst) && src.dataType() == dst.dataType()
        && src.length() == dst.length()) {
      if (src.dataType() == DataType.DOUBLE) {
        Blas.dcopy((int) src.length(), d(src, 0), d(dst, 1));
      } else {
        Blas.scopy((int) src.length(), f(src, 0), f(dst, 1));
      }
      fence(src, dst);
      return;
    }
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

  /** The OpenBLAS calls, in their own class so that nothing loads the preset when it is absent. */
  private static final class Blas {
    static double ddot(int n, DoubleBuffer x, DoubleBuffer y) {
      return org.bytedeco.openblas.global.openblas.cblas_ddot(n, x, 1, y, 1);
    }

    static double dnrm2(int n, DoubleBuffer x) {
      return org.bytedeco.openblas.global.openblas.cblas_dnrm2(n, x, 1);
    }

    static void daxpy(int n, double a, DoubleBuffer x, DoubleBuffer y) {
      org.bytedeco.openblas.global.openblas.cblas_daxpy(n, a, x, 1, y, 1);
    }

    static void saxpy(int n, float a, FloatBuffer x, FloatBuffer y) {
      org.bytedeco.openblas.global.openblas.cblas_saxpy(n, a, x, 1, y, 1);
    }

    static void dscal(int n, double a, DoubleBuffer x) {
      org.bytedeco.openblas.global.openblas.cblas_dscal(n, a, x, 1);
    }

    static void sscal(int n, float a, FloatBuffer x) {
      org.bytedeco.openblas.global.openblas.cblas_sscal(n, a, x, 1);
    }

    static void dcopy(int n, DoubleBuffer x, DoubleBuffer y) {
      org.bytedeco.openblas.global.openblas.cblas_dcopy(n, x, 1, y, 1);
    }

    static void scopy(int n, FloatBuffer x, FloatBuffer y) {
      org.bytedeco.openblas.global.openblas.cblas_scopy(n, x, 1, y, 1);
    }
  }
}

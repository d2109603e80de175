package dev.unlearn.core.model;

import dev.unlearn.core.internal.NioViews;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * C = &alpha; op(A) op(B) + &beta; C, what {@code Nd4j.gemm} does, for the hot loops of {@link
 * NetworkPoint}. On the CPU backend with OpenBLAS (its JavaCPP preset, which {@code nd4j-native}
 * brings) it calls {@code cblas_dgemm}/{@code cblas_sgemm} directly on the arrays' buffers: no ND4J
 * op per product, which costs about 20&ndash;40 &micro;s and 4 KB of heap each. Every operand must
 * be a float64 or float32 matrix with unit stride in one dimension (row- or column-major, views
 * included); anything else, and every other backend, goes to {@code Nd4j.gemm}.
 */
final class Gemm {
  private static final int ROW_MAJOR = 101;
  private static final int NO_TRANS = 111;
  private static final int TRANS = 112;
  static final boolean NATIVE = NioViews.directBlas();

  private Gemm() {}

  static void gemm(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha,
      double beta) {
    if (!NATIVE || !gemmNative(a, b, c, ta, tb, alpha, beta)) {
      Nd4j.gemm(a, b, c, ta, tb, alpha, beta);
    }
  }

  /**
   * The leading dimension of a row-major matrix, minus that of a column-major one, or 0 when x is
   * neither (no array is allocated: this runs for every operand of every product).
   */
  private static long lead(INDArray x) {
    if (x.rank() != 2) {
      return 0;
    }
    long rows = x.size(0);
    long cols = x.size(1);
    long s0 = x.stride(0);
    long s1 = x.stride(1);
    if ((s1 == 1 || cols == 1) && s0 >= Math.max(1, cols)) {
      return s0;
    }
    if ((s0 == 1 || rows == 1) && s1 >= Math.max(1, rows)) {
      return -s1;
    }
    return 0;
  }

  static boolean gemmNative(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb,
      double alpha, double beta) {
    DataType type = c.dataType();
    if ((type != DataType.DOUBLE && type != DataType.FLOAT) || a.dataType() != type
        || b.dataType() != type) {
      return false;
    }
    long la = lead(a);
    long lb = lead(b);
    long lc = lead(c);
    if (la == 0 || lb == 0 || lc == 0) {
      return false;
    }
    // a column-major operand is the row-major transpose
    boolean opA = ta ^ la < 0;
    boolean opB = tb ^ lb < 0;
    long lda = Math.abs(la);
    long ldb = Math.abs(lb);
    long ldc = Math.abs(lc);
    long m = ta ? a.size(1) : a.size(0);
    long k = ta ? a.size(0) : a.size(1);
    long n = tb ? b.size(0) : b.size(1);
    if (c.size(0) != m || c.size(1) != n || (tb ? b.size(1) : b.size(0)) != k) {
      return false; // let ND4J name the mismatch
    }
    if (Math.max(Math.max(m, n), Math.max(k, Math.max(lda, Math.max(ldb, ldc))))
        > Integer.MAX_VALUE) {
      return false;
    }
    if (lc < 0) { // C column-major: C^T = op(B)^T op(A)^T, row-major
      return call(type, !opB, !opA, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc);
    }
    return call(type, opA, opB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }

  private static boolean call(DataType type, boolean opA, boolean opB, long m, long n, long k,
      double alpha, INDArray a, long lda, INDArray b, long ldb, double beta, INDArray c, long ldc) {
    if (m == 0 || n == 0) {
      return true;
    }
    if (!NioViews.fits(a) || !NioViews.fits(b) || !NioViews.fits(c)) {
      return false; // an NIO view cannot span 2 GiB or more
    }
    if (type == DataType.DOUBLE) {
      Native.dgemm(opA ? TRANS : NO_TRANS, opB ? TRANS : NO_TRANS, (int) m, (int) n, (int) k,
          alpha, NioViews.doublesAt(a, 0), (int) lda, NioViews.doublesAt(b, 1), (int) ldb, beta, NioViews.doublesAt(c, 2),
          (int) ldc);
    } else {
      Native.sgemm(opA ? TRANS : NO_TRANS, opB ? TRANS : NO_TRANS, (int) m, (int) n, (int) k,
          (float) alpha, NioViews.floatsAt(a, 0), (int) lda, NioViews.floatsAt(b, 1), (int) ldb, (float) beta,
          NioViews.floatsAt(c, 2), (int) ldc);
    }
    // the views do not keep the buffers alive: ND4J frees them when their arrays are collected
    java.lang.ref.Reference.reachabilityFence(a);
    java.lang.ref.Reference.reachabilityFence(b);
    java.lang.ref.Reference.reachabilityFence(c);
    return true;
  }


  /** The OpenBLAS calls, in their own class so that nothing loads the preset when it is absent. */
  private static final class Native {
    static void dgemm(int ta, int tb, int m, int n, int k, double alpha, DoubleBuffer a, int lda,
        DoubleBuffer b, int ldb, double beta, DoubleBuffer c, int ldc) {
      org.bytedeco.openblas.global.openblas.cblas_dgemm(ROW_MAJOR, ta, tb, m, n, k, alpha, a, lda,
          b, ldb, beta, c, ldc);
    }

    static void sgemm(int ta, int tb, int m, int n, int k, float alpha, FloatBuffer a, int lda,
        FloatBuffer b, int ldb, float beta, FloatBuffer c, int ldc) {
      org.bytedeco.openblas.global.openblas.cblas_sgemm(ROW_MAJOR, ta, tb, m, n, k, alpha, a, lda,
          b, ldb, beta, c, ldc);
    }
  }
}

package dev.unlearn.hessian.internal;

import dev.unlearn.api.InvalidInputException;
import java.util.Locale;
import dev.unlearn.core.internal.NioViews;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dense symmetric positive definite systems of moderate size, held in float64 ND4J arrays of shape
 * p &times; p in 'c' order. On the CPU backend the work runs in OpenBLAS and its LAPACKE on the
 * arrays' own buffers, without copies ({@code dsyrk}, {@code dpotrf}, {@code dpotrs}, {@code
 * dsymv}; the lower triangle is the one read and written, and LAPACK is handed it as the
 * column-major upper triangle, the same memory, so that LAPACKE makes no transposed copy). On
 * other backends it falls back to ND4J's
 * gemm and {@link Factorizations#cholesky} on the whole matrix (an explicit inverse of the factor;
 * slower, same results to rounding).
 */
public final class DenseSpd {
  private static final int ROW_MAJOR = 101;
  private static final int COL_MAJOR = 102;
  private static final int LOWER = 122;
  private static final int NO_TRANS = 111;

  private DenseSpd() {}

  /** Whether the OpenBLAS path runs (CPU backend with the OpenBLAS preset on the class path). */
  public static boolean isNative() {
    return NioViews.directBlas();
  }

  /** A new p &times; p float64 'c' array for {@link #rankUpdate} and {@link #factor}. */
  public static INDArray square(int p) {
    return Nd4j.create(DataType.DOUBLE, new long[] {p, p}, 'c');
  }

  /**
   * c &larr; c + &alpha; a a<sup>T</sup> for c p &times; p and a p &times; m (both float64, 'c', not
   * views). The lower triangle of c is updated (the whole matrix on the fallback).
   */
  public static void rankUpdate(INDArray c, INDArray a, double alpha) {
    rankUpdate(c, a, alpha, isNative());
  }

  static void rankUpdate(INDArray c, INDArray a, double alpha, boolean nativePath) {
    int p = (int) c.rows();
    int m = (int) a.columns();
    check(c, p, p);
    check(a, p, m);
    if (nativePath) {
      Blas.dsyrk(ROW_MAJOR, LOWER, NO_TRANS, p, m, alpha, view(a, 0), m, 1.0,
          view(c, 1), p);
      java.lang.ref.Reference.reachabilityFence(a); // the pointers do not keep the buffers alive
      java.lang.ref.Reference.reachabilityFence(c);
    } else {
      Nd4j.gemm(a, a, c, false, true, alpha, 1.0);
    }
  }

  /**
   * Factorises s + shift&middot;I into {@code into} (p &times; p, overwritten; s is not modified) and
   * returns the solver for it.
   *
   * @throws InvalidInputException naming {@code what} when the matrix is not positive definite
   */
  public static Factor factor(INDArray s, double shift, INDArray into, String what) {
    return factor(s, shift, into, what, isNative());
  }

  static Factor factor(INDArray s, double shift, INDArray into, String what, boolean nativePath) {
    int p = (int) s.rows();
    check(s, p, p);
    check(into, p, p);
    if (into == s || into.data() == s.data()) {
      throw new IllegalArgumentException("into must not share s's buffer: s is not modified");
    }
    into.assign(s);
    for (int j = 0; j < p; j++) {
      into.putScalar(j, j, into.getDouble(j, j) + shift);
    }
    if (nativePath) {
      // the row-major lower triangle is the column-major upper one
      int info = Blas.dpotrf(COL_MAJOR, (byte) 'U', p, view(into, 0), p);
      java.lang.ref.Reference.reachabilityFence(into);
      if (info < 0) {
        throw new IllegalStateException("dpotrf: illegal argument " + -info);
      }
      if (info > 0) {
        throw new InvalidInputException(String.format(Locale.ROOT,
            "%s must be positive definite (dpotrf info %d)", what, info));
      }
      return new Factor(s, shift, into, null);
    }
    INDArray l = Factorizations.cholesky(into, what);
    INDArray inverse = Factorizations.lowerSolve(l, Nd4j.eye(p).castTo(DataType.DOUBLE));
    return new Factor(s, shift, into, inverse);
  }

  /** The factorisation of s + shift&middot;I; valid while s and its buffer are unchanged. */
  public static final class Factor {
    private final INDArray s;
    private final double shift;
    private final INDArray factor;
    private final INDArray lowerInverse; // the fallback's L^-1, else null
    private double residual = Double.NaN;

    private Factor(INDArray s, double shift, INDArray factor, INDArray lowerInverse) {
      this.s = s;
      this.shift = shift;
      this.factor = factor;
      this.lowerInverse = lowerInverse;
    }

    /**
     * The solution z of (s + shift&middot;I) z = b, with one step of iterative refinement (the
     * residual recomputed from s itself).
     */
    public double[] solve(double[] b) {
      double[] z = plain(b);
      double[] r = b.clone();
      double[] az = times(z);
      for (int j = 0; j < r.length; j++) {
        r[j] -= az[j];
      }
      double[] dz = plain(r);
      for (int j = 0; j < z.length; j++) {
        z[j] += dz[j];
      }
      az = times(z);
      double rr = 0;
      double bb = 0;
      for (int j = 0; j < r.length; j++) {
        double e = b[j] - az[j];
        rr += e * e;
        bb += b[j] * b[j];
      }
      residual = bb == 0 ? 0 : Math.sqrt(rr / bb);
      return z;
    }

    /** &Vert;b &minus; (s + shift I)z&Vert; / &Vert;b&Vert; of the last {@link #solve}. */
    public double relativeResidual() {
      return residual;
    }

    private double[] plain(double[] b) {
      int p = b.length;
      if (lowerInverse == null) {
        DoubleBuffer x = vector(p).put(0, b);
        int info = Blas.dpotrs(COL_MAJOR, (byte) 'U', p, 1, view(factor, 0), p, x, p);
        java.lang.ref.Reference.reachabilityFence(factor);
        if (info != 0) {
          throw new IllegalStateException("dpotrs: illegal argument " + -info);
        }
        double[] out = new double[p];
        x.get(0, out);
        return out;
      }
      INDArray v = Nd4j.createFromArray(b).reshape(p, 1);
      return lowerInverse.transpose().mmul(lowerInverse.mmul(v)).reshape(p).toDoubleVector();
    }

    private double[] times(double[] z) {
      int p = z.length;
      double[] out = new double[p];
      if (lowerInverse == null) {
        DoubleBuffer x = vector(p).put(0, z);
        DoubleBuffer y = vector(p);
        Blas.dsymv(ROW_MAJOR, LOWER, p, 1.0, view(s, 0), p, x, 1, 0.0, y, 1);
        java.lang.ref.Reference.reachabilityFence(s);
        y.get(0, out);
      } else {
        out = s.mmul(Nd4j.createFromArray(z).reshape(p, 1)).reshape(p).toDoubleVector();
      }
      for (int j = 0; j < p; j++) {
        out[j] += shift * z[j];
      }
      return out;
    }
  }

  /** The OpenBLAS calls, in their own class so that nothing loads the preset when it is absent. */
  private static final class Blas {
    static void dsyrk(int order, int uplo, int trans, int n, int k, double alpha, DoubleBuffer a,
        int lda, double beta, DoubleBuffer c, int ldc) {
      org.bytedeco.openblas.global.openblas.cblas_dsyrk(order, uplo, trans, n, k, alpha, a, lda,
          beta, c, ldc);
    }

    static int dpotrf(int order, byte uplo, int n, DoubleBuffer a, int lda) {
      return org.bytedeco.openblas.global.openblas.LAPACKE_dpotrf(order, uplo, n, a, lda);
    }

    static int dpotrs(int order, byte uplo, int n, int nrhs, DoubleBuffer a, int lda,
        DoubleBuffer b, int ldb) {
      return org.bytedeco.openblas.global.openblas.LAPACKE_dpotrs(order, uplo, n, nrhs, a, lda, b,
          ldb);
    }

    static void dsymv(int order, int uplo, int n, double alpha, DoubleBuffer a, int lda,
        DoubleBuffer x, int incx, double beta, DoubleBuffer y, int incy) {
      org.bytedeco.openblas.global.openblas.cblas_dsymv(order, uplo, n, alpha, a, lda, x, incx,
          beta, y, incy);
    }
  }

  /** The array's storage for operand {@code operand} of a BLAS call. */
  private static DoubleBuffer view(INDArray a, int operand) {
    return NioViews.doublesAt(a, operand);
  }

  /** A direct vector of p doubles for the LAPACK and BLAS vector arguments. */
  private static DoubleBuffer vector(int p) {
    return ByteBuffer.allocateDirect(8 * p).order(ByteOrder.nativeOrder()).asDoubleBuffer();
  }

  private static void check(INDArray a, int rows, int cols) {
    if (a.dataType() != DataType.DOUBLE || a.ordering() != 'c' || a.isView()
        || a.rows() != rows || a.columns() != cols) {
      throw new IllegalArgumentException("expected a float64 'c' " + rows + " x " + cols
          + " array that is not a view, got " + a.shapeInfoToString());
    }
  }
}

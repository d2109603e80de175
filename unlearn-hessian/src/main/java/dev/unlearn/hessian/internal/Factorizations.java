package dev.unlearn.hessian.internal;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.RunMonitor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Dense factorizations on ND4J arrays in float64: blocked Cholesky and triangular solves on gemm,
 * QR by LAPACK {@code geqrf} in panels of at most 128 columns, symmetric eigendecomposition by LAPACK
 * {@code dsyevd} (or {@code dsyev}).
 */
public final class Factorizations {
  private static final int BLOCK = 64;

  private Factorizations() {}

  /**
   * Eigendecomposition of a symmetric n &times; n matrix (the input is copied and not modified) by
   * LAPACK's divide-and-conquer {@code dsyevd} through OpenBLAS's LAPACKE on the CPU backend, else
   * by ND4J's {@code syev} wrapper (QR iteration; 3 to 6 &times; slower for eigenvectors). Accurate to
   * about n&middot;2<sup>-52</sup> of the largest |eigenvalue| in absolute terms, not relative to
   * small ones. One native call: it cannot be interrupted.
   *
   * @param a symmetric, finite
   * @param values out: the n eigenvalues in descending order
   * @param vectors out: n &times; n row-major, column j the unit eigenvector of {@code values[j]}
   * @throws IllegalStateException if LAPACK reports failure to converge (info &ne; 0)
   */
  public static void symmetricEigen(INDArray a, double[] values, double[] vectors) {
    symmetricEigen(a, values, vectors, Lapacke.AVAILABLE);
  }

  /** As {@link #symmetricEigen(INDArray, double[], double[])}, choosing the path (for tests). */
  static void symmetricEigen(INDArray a, double[] values, double[] vectors, boolean lapacke) {
    int n = a.rows();
    InvalidInputException.check(a.rank() == 2 && a.columns() == n, "matrix (shape %s) must be square",
        java.util.Arrays.toString(a.shape()));
    double[] asc = new double[n];
    double[] v = a.castTo(DataType.DOUBLE).dup('c').data().asDouble(); // row-major
    int info = lapacke ? Lapacke.dsyevd(n, v, asc) : nd4jSyev(a, n, v, asc);
    if (info != 0) {
      throw new IllegalStateException("symmetric eigensolver failed (info " + info + ") on a " + n
          + " x " + n + " matrix");
    }
    for (int j = 0; j < n; j++) { // column j of v is the eigenvector of asc[j], ascending
      int src = n - 1 - j;
      values[j] = asc[src];
      for (int i = 0; i < n; i++) {
        vectors[i * n + j] = v[i * n + src];
      }
    }
  }

  /** ND4J's wrapper of LAPACK {@code syev}: leaves row-major eigenvectors in v, values in w. */
  private static int nd4jSyev(INDArray a, int n, double[] v, double[] w) {
    INDArray work = a.castTo(DataType.DOUBLE).dup('f');
    INDArray values = Nd4j.create(DataType.DOUBLE, n);
    int info = Nd4j.getBlasWrapper().lapack().syev('V', 'U', work, values);
    System.arraycopy(work.dup('c').data().asDouble(), 0, v, 0, n * n);
    System.arraycopy(values.toDoubleVector(), 0, w, 0, n);
    return info;
  }

  /** OpenBLAS's LAPACKE, when its JavaCPP preset is on the class path (the CPU backend). */
  static final class Lapacke {
    static final boolean AVAILABLE = probe();

    private static boolean probe() {
      try {
        Class.forName("org.bytedeco.openblas.global.openblas");
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }

    static int dsyevd(int n, double[] rowMajor, double[] w) {
      return org.bytedeco.openblas.global.openblas.LAPACKE_dsyevd(
          org.bytedeco.openblas.global.openblas.LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', n,
          rowMajor, n, w);
    }
  }

  /**
   * The lower Cholesky factor of a symmetric positive definite matrix (float64, column-major, a new
   * array; the input is symmetrised as (A + A<sup>T</sup>)/2 first and not modified). Right-looking
   * blocked algorithm: 64 &times; 64 diagonal blocks factorised in plain Java, the panel and the
   * trailing update by gemm, so the O(n&sup3;/3) work runs in BLAS-3. (ND4J 1.0.0-M2.1's {@code
   * potrf} wrapper fails on positive definite matrices from n = 40 on, so it is not used.)
   *
   * @throws InvalidInputException naming {@code what} if the matrix is not positive definite
   */
  public static INDArray cholesky(INDArray a, String what) {
    INDArray ad = a.castTo(DataType.DOUBLE);
    INDArray l = ad.add(ad.transpose()).muli(0.5).dup('f'); // not in place: l + l^T would alias
    int n = l.rows();
    for (int j0 = 0; j0 < n; j0 += BLOCK) {
      RunMonitor.checkInterrupted();
      int j1 = Math.min(n, j0 + BLOCK);
      int nb = j1 - j0;
      INDArray diag = l.get(NDArrayIndex.interval(j0, j1), NDArrayIndex.interval(j0, j1));
      double[] l11 = SmallDense.cholesky(diag.dup('c').data().asDouble(), nb);
      if (l11 == null || !Double.isFinite(l11[nb * nb - 1])) {
        throw new InvalidInputException(String.format(java.util.Locale.ROOT,
            "%s must be positive definite (Cholesky failed in rows %d..%d)", what, j0, j1 - 1));
      }
      diag.assign(Nd4j.create(l11, new long[] {nb, nb}, 'c'));
      if (j1 < n) {
        INDArray l11inv = Nd4j.create(SmallDense.lowerInverse(l11, nb), new long[] {nb, nb}, 'c');
        INDArray panel = l.get(NDArrayIndex.interval(j1, n), NDArrayIndex.interval(j0, j1));
        INDArray l21 = Nd4j.create(DataType.DOUBLE, new long[] {n - j1, nb}, 'f');
        Nd4j.gemm(panel.dup('f'), l11inv, l21, false, true, 1.0, 0.0); // A21 L11^-T
        panel.assign(l21);
        INDArray update = Nd4j.create(DataType.DOUBLE, new long[] {n - j1, n - j1}, 'f');
        Nd4j.gemm(l21, l21, update, false, true, 1.0, 0.0);
        l.get(NDArrayIndex.interval(j1, n), NDArrayIndex.interval(j1, n)).subi(update);
        l.get(NDArrayIndex.interval(j0, j1), NDArrayIndex.interval(j1, n)).assign(0.0);
      }
    }
    return l;
  }

  /**
   * X = L<sup>-1</sup> B for a lower triangular L (n &times; n, float64) by blocked forward
   * substitution: gemm for the off-diagonal updates, explicit inverses of the 64 &times; 64
   * diagonal blocks. Returns a new float64 n &times; k column-major array.
   */
  public static INDArray lowerSolve(INDArray l, INDArray b) {
    int n = l.rows();
    long k = b.columns();
    INDArray x = Nd4j.create(DataType.DOUBLE, new long[] {n, k}, 'f');
    INDArray bd = b.castTo(DataType.DOUBLE);
    for (int i0 = 0; i0 < n; i0 += BLOCK) {
      RunMonitor.checkInterrupted();
      int i1 = Math.min(n, i0 + BLOCK);
      int nb = i1 - i0;
      INDArray r = bd.get(NDArrayIndex.interval(i0, i1), NDArrayIndex.all()).dup('f');
      if (i0 > 0) {
        INDArray lo = l.get(NDArrayIndex.interval(i0, i1), NDArrayIndex.interval(0, i0)).dup('f');
        INDArray xo = x.get(NDArrayIndex.interval(0, i0), NDArrayIndex.all()).dup('f');
        Nd4j.gemm(lo, xo, r, false, false, -1.0, 1.0);
      }
      double[] blk = l.get(NDArrayIndex.interval(i0, i1), NDArrayIndex.interval(i0, i1))
          .dup('c').data().asDouble();
      double[] inv = SmallDense.lowerInverse(blk, nb);
      INDArray invArr = Nd4j.create(inv, new long[] {nb, nb}, 'c');
      INDArray xi = Nd4j.create(DataType.DOUBLE, new long[] {nb, k}, 'f');
      Nd4j.gemm(invArr, r, xi, false, false, 1.0, 0.0);
      x.get(NDArrayIndex.interval(i0, i1), NDArrayIndex.all()).assign(xi);
    }
    return x;
  }

  /**
   * Widest panel handed to ND4J's {@code geqrf}: in ND4J 1.0.0-M2.1 (CPU backend) it returns a Q
   * that is not orthonormal and an R with Q R &ne; Y as soon as the matrix has more than 128 columns
   * (measured: &Vert;Q<sup>T</sup>Q &minus; I&Vert;<sub>F</sub> = 6 at 129 columns, 18 at 200), while up to
   * 128 columns it is exact to rounding.
   */
  static final int QR_PANEL = 128;

  /**
   * An orthonormal basis Q (p &times; k, float64, column-major, a new array) of the columns of a
   * p &times; k matrix Y with k &le; p, with Y = Q R; {@code rOut}, if not null, receives R (k
   * &times; k, upper triangular). Up to 128 columns: Householder QR by LAPACK {@code geqrf}. Wider:
   * block Gram-Schmidt with reorthogonalisation (BCGS2; Barlow and Smoktunowicz 2013) over panels of
   * 128 columns, each panel projected against the previous Q by gemm and factorised by {@code
   * geqrf}, with a third pass when the panel is still not orthogonal to the previous ones to
   * 1e-13 (numerically rank-deficient input, whose extra columns are then an orthonormal completion
   * with R entries at the rounding level). The input is not modified.
   */
  public static INDArray orthonormalize(INDArray y, INDArray rOut) {
    int p = (int) y.rows();
    int k = (int) y.columns();
    InvalidInputException.check(k <= p, "columns (%d) must be <= rows (%d)", k, p);
    INDArray r = rOut != null ? rOut : Nd4j.create(DataType.DOUBLE, new long[] {k, k}, 'f');
    if (k <= QR_PANEL) {
      INDArray q = y.castTo(DataType.DOUBLE).dup('f');
      Nd4j.getBlasWrapper().lapack().geqrf(q, r);
      return q;
    }
    INDArray yd = y.castTo(DataType.DOUBLE);
    INDArray q = Nd4j.create(DataType.DOUBLE, new long[] {p, k}, 'f');
    r.assign(0.0);
    for (int j0 = 0; j0 < k; j0 += QR_PANEL) {
      int j1 = Math.min(k, j0 + QR_PANEL);
      int nb = j1 - j0;
      INDArray w = yd.get(NDArrayIndex.all(), NDArrayIndex.interval(j0, j1)).dup('f');
      INDArray qPrev = j0 > 0 ? q.get(NDArrayIndex.all(), NDArrayIndex.interval(0, j0)).dup('f') : null;
      INDArray rCol = j0 > 0 ? Nd4j.create(DataType.DOUBLE, new long[] {j0, nb}, 'f') : null;
      INDArray rDiag = Nd4j.eye(nb).castTo(DataType.DOUBLE).dup('f');
      // invariant: Y_panel = Qprev rCol + W rDiag
      for (int pass = 0; pass < 3; pass++) {
        if (qPrev != null) {
          INDArray c = Nd4j.create(DataType.DOUBLE, new long[] {j0, nb}, 'f');
          Nd4j.gemm(qPrev, w, c, true, false, 1.0, 0.0);
          if (pass >= 2 && c.amaxNumber().doubleValue() <= 1e-13) {
            break;
          }
          Nd4j.gemm(qPrev, c, w, false, false, -1.0, 1.0);
          Nd4j.gemm(c, rDiag, rCol, false, false, 1.0, 1.0);
        }
        INDArray s = Nd4j.create(DataType.DOUBLE, new long[] {nb, nb}, 'f');
        Nd4j.getBlasWrapper().lapack().geqrf(w, s);
        INDArray next = Nd4j.create(DataType.DOUBLE, new long[] {nb, nb}, 'f');
        Nd4j.gemm(s, rDiag, next, false, false, 1.0, 0.0);
        rDiag = next;
        if (qPrev == null) {
          break;
        }
      }
      q.get(NDArrayIndex.all(), NDArrayIndex.interval(j0, j1)).assign(w);
      r.get(NDArrayIndex.interval(j0, j1), NDArrayIndex.interval(j0, j1)).assign(rDiag);
      if (rCol != null) {
        r.get(NDArrayIndex.interval(0, j0), NDArrayIndex.interval(j0, j1)).assign(rCol);
      }
    }
    return q;
  }
}

package dev.unlearn.hessian.internal;

import dev.unlearn.api.InvalidInputException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Dense factorizations on ND4J arrays in float64: blocked Cholesky and triangular solves on gemm,
 * QR by LAPACK {@code geqrf} in panels of at most 128 columns.
 */
public final class Factorizations {
  private static final int BLOCK = 64;

  private Factorizations() {}

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

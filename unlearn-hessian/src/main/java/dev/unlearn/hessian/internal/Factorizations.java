package dev.unlearn.hessian.internal;

import dev.unlearn.api.InvalidInputException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Dense factorizations on ND4J arrays in float64: blocked Cholesky and triangular solves on gemm, Householder QR by LAPACK {@code geqrf}. */
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
   * An orthonormal basis Q (p &times; k, float64, column-major, a new array) of the columns of a
   * p &times; k matrix with k &le; p, by Householder QR; {@code rOut}, if not null, receives R
   * (k &times; k).
   */
  public static INDArray orthonormalize(INDArray y, INDArray rOut) {
    INDArray q = y.castTo(DataType.DOUBLE).dup('f');
    INDArray r = rOut != null ? rOut : Nd4j.create(DataType.DOUBLE, new long[] {y.columns(), y.columns()}, 'f');
    Nd4j.getBlasWrapper().lapack().geqrf(q, r);
    return q;
  }
}

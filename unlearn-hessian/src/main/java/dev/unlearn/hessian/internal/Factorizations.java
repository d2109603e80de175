package dev.unlearn.hessian.internal;

import dev.unlearn.api.InvalidInputException;
import org.nd4j.linalg.api.blas.BlasException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Dense factorizations on ND4J arrays in float64, built from LAPACK {@code potrf}/{@code geqrf} and gemm. */
public final class Factorizations {
  private static final int BLOCK = 64;

  private Factorizations() {}

  /**
   * The lower Cholesky factor of a symmetric positive definite matrix (float64, column-major, a new
   * array; the input is symmetrised as (A + A<sup>T</sup>)/2 first and not modified).
   *
   * @throws InvalidInputException naming {@code what} if the matrix is not positive definite
   */
  public static INDArray cholesky(INDArray a, String what) {
    INDArray l = a.castTo(DataType.DOUBLE).dup('f');
    l.addi(l.transpose()).muli(0.5);
    l = l.dup('f');
    try {
      Nd4j.getBlasWrapper().lapack().potrf(l, true);
    } catch (BlasException e) {
      throw new InvalidInputException(what + " must be positive definite (Cholesky failed: "
          + e.getMessage() + ")");
    }
    for (int i = 0; i < l.rows(); i++) {
      double d = l.getDouble(i, i);
      if (!(d > 0) || !Double.isFinite(d)) {
        throw new InvalidInputException(String.format(java.util.Locale.ROOT,
            "%s must be positive definite (Cholesky pivot %d is %s)", what, i, d));
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

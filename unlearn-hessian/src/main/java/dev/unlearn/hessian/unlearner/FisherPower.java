package dev.unlearn.hessian.unlearner;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.RunMonitor;
import dev.unlearn.hessian.internal.Checks;
import dev.unlearn.hessian.internal.Factorizations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact real powers F<sup>a</sup> of the damped empirical Fisher F = &lambda;I + (1/m)G<sup>T</sup>G
 * of m per-example gradients G (m &times; p), for Fisher Forgetting (Golatkar et al., CVPR 2020;
 * Gu et al. 2024). When m &le; p, with G G<sup>T</sup> = U diag(s&sup2;) U<sup>T</sup> (the m &times; m
 * Gram matrix, eigendecomposed once by LAPACK, O(m&sup3;)) and
 * V = G<sup>T</sup>U diag(1/s) (p &times; r, orthonormal, r = the number of s &gt; 0); when m &gt; p,
 * V and s&sup2; come straight from the eigendecomposition of the p &times; p matrix G<sup>T</sup>G
 * (O(m p&sup2; + p&sup3;)). Then
 * F<sup>a</sup> = &lambda;<sup>a</sup>I + V diag((&lambda; + s&sup2;/m)<sup>a</sup> &minus; &lambda;<sup>a</sup>)
 * V<sup>T</sup> exactly, for any real a. Each application costs two gemms, O(p r k).
 *
 * <pre>{@code
 * FisherPower f = FisherPower.of(gRetain, 1e-3);
 * INDArray shaped = f.apply(noise, -0.25);   // F^{-1/4} n
 * }</pre>
 *
 * <p>Work and storage are float64; {@link #apply} returns the input's data type. G must be finite
 * and non-empty and &lambda; &gt; 0 (so every power exists); directions with s&sup2; below 1e-11 of the
 * largest are treated as null (eigenvalue &lambda;): that is above the eigensolver's rounding
 * (about m&middot;2<sup>-52</sup> of the largest), and their s&sup2;/m is far below any usable
 * &lambda;, so F<sup>a</sup> changes by no more than rounding. Immutable and thread-safe.
 */
public final class FisherPower {
  private final INDArray basis; // p x r, float64
  private final double[] eigenvalues; // lambda + s^2/m, descending
  private final double damping;
  private final int p;
  /** s&sup2; below this fraction of the largest counts as zero (see the class comment). */
  static final double NULL_DIRECTION = 1e-11;

  private FisherPower(INDArray basis, double[] eigenvalues, double damping, int p) {
    this.basis = basis;
    this.eigenvalues = eigenvalues;
    this.damping = damping;
    this.p = p;
  }

  /** Prepares the powers of &lambda;I + (1/m)G<sup>T</sup>G. */
  public static FisherPower of(INDArray gradients, double damping) {
    InvalidInputException.check(gradients != null && gradients.rank() == 2 && gradients.rows() >= 1,
        "gradients must be a non-empty m x p matrix");
    Checks.positive(damping, "damping");
    Checks.allFinite(gradients, "gradients");
    int m = gradients.rows();
    int p = gradients.columns();
    INDArray g = gradients.castTo(DataType.DOUBLE).dup('f');
    // eigendecompose the smaller Gram matrix: G^T G (p x p) when m > p, else G G^T (m x m)
    boolean pSide = m > p;
    int n = pSide ? p : m;
    INDArray gram = Nd4j.create(DataType.DOUBLE, new long[] {n, n}, 'f');
    Nd4j.gemm(g, g, gram, pSide, !pSide, 1.0, 0.0);
    RunMonitor.checkInterrupted();
    double[] s2 = new double[n];
    double[] vectors = new double[n * n];
    Factorizations.symmetricEigen(gram, s2, vectors);
    int r = rankOf(s2);
    if (r == 0) { // G = 0: F = lambda I
      return new FisherPower(null, new double[0], damping, p);
    }
    // the leading r eigenvectors: V itself on the p side; U diag(1/s), mapped by G^T, on the m side
    double[] cols = new double[n * r]; // n x r row-major
    double[] eig = new double[r];
    for (int j = 0; j < r; j++) {
      double scale = pSide ? 1 : 1 / Math.sqrt(s2[j]);
      for (int i = 0; i < n; i++) {
        cols[i * r + j] = vectors[i * n + j] * scale;
      }
      eig[j] = damping + s2[j] / m;
    }
    INDArray leading = Nd4j.create(cols, new long[] {n, r}, 'c');
    if (pSide) {
      return new FisherPower(leading.dup('f'), eig, damping, p);
    }
    RunMonitor.checkInterrupted();
    INDArray v = Nd4j.create(DataType.DOUBLE, new long[] {p, r}, 'f');
    Nd4j.gemm(g, leading, v, true, false, 1.0, 0.0);
    return new FisherPower(v, eig, damping, p);
  }

  /** How many of the descending s&sup2; are above {@link #NULL_DIRECTION} of the largest. */
  private static int rankOf(double[] s2) {
    double cut = NULL_DIRECTION * Math.max(s2[0], 0);
    int r = 0;
    while (r < s2.length && s2[r] > cut) {
      r++;
    }
    return r;
  }

  /** The dimension p. */
  public int dimension() {
    return p;
  }

  /** The rank r of the low-rank part. */
  public int rank() {
    return eigenvalues.length;
  }

  /** The eigenvalues of F on its low-rank subspace, &lambda; + s<sub>i</sub>&sup2;/m, descending (a copy). */
  public double[] eigenvalues() {
    return eigenvalues.clone();
  }

  /**
   * F<sup>a</sup> x for a vector (p) or a block (p &times; k), as a new array of x's shape and type.
   * NaN or infinity in x propagates.
   */
  public INDArray apply(INDArray x, double a) {
    InvalidInputException.check(Double.isFinite(a), "exponent a (%s) must be finite", a);
    InvalidInputException.check(x != null && x.length() % p == 0 && (x.rank() == 1 ? x.length() == p
        : x.rows() == p), "x (shape %s) must have %d rows", x == null ? "null"
        : java.util.Arrays.toString(x.shape()), p);
    int k = (int) (x.length() / p);
    INDArray xd = x.castTo(DataType.DOUBLE).reshape('f', p, k).dup('f');
    double base = Math.pow(damping, a);
    INDArray out = xd.mul(base);
    if (basis != null) {
      int r = eigenvalues.length;
      INDArray t = Nd4j.create(DataType.DOUBLE, new long[] {r, k}, 'f');
      Nd4j.gemm(basis, xd, t, true, false, 1.0, 0.0);
      double[] c = new double[r];
      for (int i = 0; i < r; i++) {
        c[i] = Math.pow(eigenvalues[i], a) - base;
      }
      t.muliColumnVector(Nd4j.create(c, new long[] {r, 1}, 'f'));
      Nd4j.gemm(basis, t, out, false, false, 1.0, 1.0);
    }
    return out.reshape('f', x.shape()).castTo(x.dataType()).dup('c');
  }
}

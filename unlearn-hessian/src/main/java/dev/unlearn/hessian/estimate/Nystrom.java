package dev.unlearn.hessian.estimate;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.RunMonitor;
import dev.unlearn.hessian.internal.Factorizations;
import dev.unlearn.hessian.internal.Probes;
import dev.unlearn.hessian.internal.SmallDense;
import dev.unlearn.hessian.operator.CurvatureOperator;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The randomized Nyström approximation of a positive semi-definite operator (Tropp, Yurtsever,
 * Udell, Cevher 2017; Frangella, Tropp, Udell 2021, Algorithm 2.1): with an orthonormalised
 * Gaussian test matrix &Omega; (p &times; &ell;) and Y = A &Omega; (one block of &ell; matvecs), the
 * shifted sketch Y<sub>&nu;</sub> = Y + &nu;&Omega;, &nu; = &radic;p &middot; ulp(&Vert;Y&Vert;<sub>F</sub>),
 * gives A + &nu;I &asymp; B B<sup>T</sup> with B = Y<sub>&nu;</sub> C<sup>-1</sup>, C the Cholesky factor
 * of &Omega;<sup>T</sup> Y<sub>&nu;</sub>; then B = U &Sigma; W<sup>T</sup> and &Lambda; = max(0,
 * &Sigma;<sup>2</sup> &minus; &nu;). The shift makes the Cholesky factorisation stable in floating
 * point. The QR factorisations (of &Omega; and of B, whose SVD comes from the Jacobi SVD of the
 * small R factor) run in panels of 128 columns with reorthogonalisation, so U is orthonormal to
 * rounding at any rank (ND4J's {@code geqrf} alone is wrong beyond 128 columns). Directions whose
 * &Lambda; is at most &nu; (numerically in the null space of A: an operator of rank below &ell;) are
 * dropped, so
 * the result's {@link NystromApproximation#rank()} can be smaller than the rank asked for. Work is
 * in float64; U is returned in the operator's data type. Deterministic for a seed.
 *
 * <p>An operator whose sketch is not positive definite even after the shift (an indefinite
 * operator) is rejected with {@link InvalidInputException}; NaN in its products likewise.
 */
public final class Nystrom {
  private Nystrom() {}

  /**
   * A rank-{@code rank} approximation, 1 &le; rank &le; p (fewer directions when A has rank below
   * {@code rank}; see the class comment).
   */
  public static NystromApproximation approximate(CurvatureOperator a, int rank, long seed) {
    InvalidInputException.check(a != null, "operator must not be null");
    int p = a.dimension();
    InvalidInputException.check(rank >= 1 && rank <= p, "rank (%d) must be in [1, %d]", rank, p);
    SplittableRandom rng = new SplittableRandom(seed);
    INDArray omega = Factorizations.orthonormalize(Probes.gaussian(rng, p, rank, DataType.DOUBLE),
        null);
    return fromSketch(a, omega, products(a, omega));
  }

  /**
   * A sketch that can grow: starts with {@code initialRank} test vectors, and {@link
   * Growable#grow} adds more, orthonormal to the earlier ones, so every product already paid for
   * is kept (growing from &ell; to &ell;' costs &ell;' &minus; &ell; matvecs). Its first {@code
   * initialRank} test vectors are those of {@link #approximate} with the same seed.
   */
  public static Growable growable(CurvatureOperator a, int initialRank, long seed) {
    InvalidInputException.check(a != null, "operator must not be null");
    int p = a.dimension();
    InvalidInputException.check(initialRank >= 1 && initialRank <= p,
        "initialRank (%d) must be in [1, %d]", initialRank, p);
    return new Growable(a, initialRank, seed);
  }

  /** A sketch whose test matrix grows; see {@link #growable}. Not thread-safe. */
  public static final class Growable {
    private final CurvatureOperator a;
    private final SplittableRandom rng;
    private INDArray omega; // p x l, orthonormal
    private INDArray y; // A omega
    private NystromApproximation approximation;

    private Growable(CurvatureOperator a, int rank, long seed) {
      this.a = a;
      this.rng = new SplittableRandom(seed);
      this.omega = Factorizations.orthonormalize(
          Probes.gaussian(rng, a.dimension(), rank, DataType.DOUBLE), null);
      this.y = products(a, omega);
    }

    /** Test vectors so far (&ell;, the matvecs paid). */
    public int columns() {
      return (int) omega.columns();
    }

    /** The approximation from every test vector so far. */
    public NystromApproximation approximation() {
      if (approximation == null) {
        approximation = fromSketch(a, omega, y);
      }
      return approximation;
    }

    /** Adds {@code more} test vectors (capped at p in all): that many matvecs. */
    public void grow(int more) {
      int p = a.dimension();
      int add = Math.min(more, p - columns());
      InvalidInputException.check(more >= 1, "more (%d) must be >= 1", more);
      if (add <= 0) {
        return;
      }
      RunMonitor.checkInterrupted();
      INDArray w = Probes.gaussian(rng, p, add, DataType.DOUBLE);
      for (int pass = 0; pass < 2; pass++) { // against the old columns, twice (CGS2)
        Nd4j.gemm(omega, omega.transpose().mmul(w), w, false, false, -1.0, 1.0);
      }
      w = Factorizations.orthonormalize(w, null);
      omega = Nd4j.hstack(omega, w).dup('f');
      y = Nd4j.hstack(y, products(a, w)).dup('f');
      approximation = null;
    }
  }

  /** A &Omega; in float64, column-major (one block of products in the operator's data type). */
  private static INDArray products(CurvatureOperator a, INDArray omega) {
    return a.apply(omega.castTo(a.dataType())).castTo(DataType.DOUBLE).dup('f');
  }

  /** The approximation from an orthonormal &Omega; (p &times; &ell;) and Y = A&Omega; (not modified). */
  private static NystromApproximation fromSketch(CurvatureOperator a, INDArray omega, INDArray y0) {
    int p = a.dimension();
    int l = (int) omega.columns();
    DataType type = a.dataType();
    INDArray y = y0.dup('f');
    double fro = y.norm2Number().doubleValue();
    InvalidInputException.check(Double.isFinite(fro), "operator products (norm %s) must be finite", fro);
    double nu = Math.sqrt(p) * Math.ulp(Math.max(fro, Double.MIN_NORMAL));
    y.addi(omega.mul(nu));
    INDArray core = Nd4j.create(DataType.DOUBLE, new long[] {l, l}, 'c');
    Nd4j.gemm(omega, y, core, true, false, 1.0, 0.0);
    double[] m = core.dup('c').data().asDouble();
    double[] chol = SmallDense.cholesky(m, l);
    if (chol == null) {
      throw new InvalidInputException("operator (" + a + ") must be positive semi-definite: the "
          + "Nystrom core matrix Omega^T (A + nu I) Omega is not positive definite");
    }
    INDArray linv = Nd4j.create(SmallDense.lowerInverse(chol, l), new long[] {l, l}, 'c');
    INDArray b = Nd4j.create(DataType.DOUBLE, new long[] {p, l}, 'f');
    Nd4j.gemm(y, linv, b, false, true, 1.0, 0.0); // B = Y_nu L^-T
    INDArray r = Nd4j.create(DataType.DOUBLE, new long[] {l, l}, 'f');
    INDArray qb = Factorizations.orthonormalize(b, r);
    double[] sigma = new double[l];
    double[] ur = new double[l * l];
    SmallDense.jacobiSvd(r.dup('c').data().asDouble(), l, sigma, ur);
    // sigma is descending, so Lambda = sigma^2 - nu is too: keep the prefix with Lambda > nu. The
    // directions with Lambda <= nu (Lambda = 0 or rounding noise of the size of the shift) are
    // numerically in the null space of A and only perturb U's use as a preconditioner.
    int kept = 0;
    while (kept < l && sigma[kept] * sigma[kept] - nu > nu) {
      kept++;
    }
    InvalidInputException.check(kept >= 1, "operator (%s) must not be zero on the sketch", a);
    double[] urKept = new double[l * kept];
    double[] lambda = new double[kept];
    for (int i = 0; i < kept; i++) {
      lambda[i] = sigma[i] * sigma[i] - nu;
      for (int row = 0; row < l; row++) {
        urKept[row * kept + i] = ur[row * l + i];
      }
    }
    INDArray u = Nd4j.create(DataType.DOUBLE, new long[] {p, kept}, 'f');
    Nd4j.gemm(qb, Nd4j.create(urKept, new long[] {l, kept}, 'c'), u, false, false, 1.0, 0.0);
    return new NystromApproximation(u.castTo(type), lambda, nu, l);
  }
}

package dev.unlearn.hessian.estimate;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.internal.Checks;
import dev.unlearn.hessian.internal.Probes;
import dev.unlearn.hessian.internal.SmallDense;
import dev.unlearn.hessian.internal.Vectors;
import dev.unlearn.hessian.operator.CurvatureOperator;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The Lanczos method with full reorthogonalisation (Golub &amp; Van Loan &sect;10.1) for the k
 * algebraically largest eigenpairs of a symmetric operator. Each step costs one matvec and two
 * passes of classical Gram-Schmidt against the whole basis (two gemv each), so the basis stays
 * orthonormal to working precision and no spurious copies appear. The Ritz values come from the
 * tridiagonal matrix by the implicit QL method; the residual of pair i is &beta;<sub>j</sub>
 * |s<sub>j,i</sub>|. Stops when every one of the top k residuals is &le; tol &middot;
 * max|&theta;| or at maxSteps; at an invariant subspace it restarts with a fresh random vector
 * orthogonal to the basis (so repeated eigenvalues are found with their multiplicity). At maxSteps (the result then says {@code converged = false}).
 * Deterministic for a seed. Memory: p &times; (maxSteps + 1).
 */
public final class Lanczos {
  private static final int CHECK_EVERY = 5;

  private Lanczos() {}

  /** Top-k eigenpairs with the default budget min(p, max(2k + 40, 3k)) steps and tolerance 1e-10. */
  public static Eigenpairs largest(CurvatureOperator a, int k, long seed) {
    InvalidInputException.check(a != null, "operator must not be null");
    return largest(a, k, Math.min(a.dimension(), Math.max(2 * k + 40, 3 * k)), 1e-10, seed);
  }

  /**
   * @param k number of eigenpairs, 1 &le; k &le; p
   * @param maxSteps Krylov dimension cap, &ge; k (capped at p)
   * @param tolerance relative residual target, &gt; 0
   */
  public static Eigenpairs largest(CurvatureOperator a, int k, int maxSteps, double tolerance, long seed) {
    InvalidInputException.check(a != null, "operator must not be null");
    InvalidInputException.check(a.isSymmetric(), "operator (%s) must be symmetric", a);
    int p = a.dimension();
    InvalidInputException.check(k >= 1 && k <= p, "k (%d) must be in [1, %d]", k, p);
    InvalidInputException.check(maxSteps >= k, "maxSteps (%d) must be >= k (%d)", maxSteps, k);
    Checks.positive(tolerance, "tolerance");
    int m = Math.min(maxSteps, p);
    DataType type = a.dataType();
    SplittableRandom rng = new SplittableRandom(seed);
    INDArray basis = Nd4j.create(type, new long[] {p, m + 1}, 'f');
    INDArray w = Vectors.column(type, p);
    INDArray h = Nd4j.create(type, new long[] {m + 1, 1}, 'f');
    double[] alpha = new double[m];
    double[] beta = new double[m];
    startVector(basis, 0, rng, h);
    long before = a.matvecs();
    int n = 0;
    boolean converged = false;
    double[] theta = null;
    double[] s = null;
    double scale = 0;
    for (int j = 0; j < m; j++) {
      INDArray vj = basis.getColumn(j, true);
      a.apply(vj, w);
      alpha[j] = Vectors.dot(vj, w);
      orthogonalize(basis, j + 1, w, h);
      beta[j] = Vectors.norm(w);
      n = j + 1;
      scale = Math.max(scale, Math.abs(alpha[j]) + beta[j] + (j > 0 ? beta[j - 1] : 0));
      boolean breakdown = beta[j] <= 1e-12 * scale;
      if (breakdown) {
        beta[j] = 0;
      }
      if (n >= k && (n == m || (!breakdown && (n - k) % CHECK_EVERY == 0))) {
        theta = new double[n];
        s = new double[n * n];
        SmallDense.tridiagonalEigen(Arrays.copyOf(alpha, n), beta, theta, s);
        if (residualsMet(theta, s, n, k, beta[j], tolerance)) {
          converged = true;
          break;
        }
      }
      if (n == m) {
        break;
      }
      if (breakdown) {
        startVector(basis, j + 1, rng, h);
      } else {
        INDArray next = basis.getColumn(j + 1, true);
        Vectors.copy(w, next);
        Vectors.scal(1.0 / beta[j], next);
      }
    }
    if (theta == null || theta.length != n) {
      theta = new double[n];
      s = new double[n * n];
      SmallDense.tridiagonalEigen(Arrays.copyOf(alpha, n), beta, theta, s);
    }
    int kk = Math.min(k, n);
    double[] values = new double[kk];
    double[] residuals = new double[kk];
    double[] sel = new double[n * kk];
    for (int i = 0; i < kk; i++) {
      int col = n - 1 - i;
      values[i] = theta[col];
      residuals[i] = Math.abs(beta[n - 1] * s[(n - 1) * n + col]);
      for (int r = 0; r < n; r++) {
        sel[r * kk + i] = s[r * n + col];
      }
    }
    INDArray sArr = Nd4j.create(sel, new long[] {n, kk}, 'c').castTo(type);
    INDArray vectors = Nd4j.create(type, new long[] {p, kk}, 'f');
    Nd4j.gemm(basis.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n)), sArr, vectors, false, false, 1.0, 0.0);
    return new Eigenpairs(values, vectors, residuals, n, a.matvecs() - before, converged && kk == k);
  }

  private static boolean residualsMet(double[] theta, double[] s, int n, int k, double betaLast,
      double tolerance) {
    double top = Math.max(Math.abs(theta[0]), Math.abs(theta[n - 1]));
    for (int i = 0; i < k; i++) {
      int col = n - 1 - i;
      if (Math.abs(betaLast * s[(n - 1) * n + col]) > tolerance * top) {
        return false;
      }
    }
    return true;
  }

  /** w &larr; (I &minus; V V<sup>T</sup>) w twice, V the first {@code cols} basis columns. */
  private static void orthogonalize(INDArray basis, int cols, INDArray w, INDArray h) {
    INDArray v = basis.get(NDArrayIndex.all(), NDArrayIndex.interval(0, cols));
    INDArray hv = h.get(NDArrayIndex.interval(0, cols), NDArrayIndex.all());
    for (int pass = 0; pass < 2; pass++) {
      Nd4j.gemm(v, w, hv, true, false, 1.0, 0.0);
      Nd4j.gemm(v, hv, w, false, false, -1.0, 1.0);
    }
  }

  private static void startVector(INDArray basis, int col, SplittableRandom rng, INDArray h) {
    int p = basis.rows();
    INDArray target = basis.getColumn(col, true);
    for (int attempt = 0; attempt < 5; attempt++) {
      Vectors.copy(Probes.gaussian(rng, p, 1, basis.dataType()), target);
      if (col > 0) {
        orthogonalize(basis, col, target, h);
      }
      double norm = Vectors.norm(target);
      if (norm > 1e-8) {
        Vectors.scal(1.0 / norm, target);
        return;
      }
    }
    throw new IllegalStateException("could not extend the Krylov basis (dimension exhausted)");
  }
}

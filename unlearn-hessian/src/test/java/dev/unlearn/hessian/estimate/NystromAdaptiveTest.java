package dev.unlearn.hessian.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.operator.CurvatureOperator;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.solve.AdaptiveNystromSolve;
import dev.unlearn.hessian.solve.Solvers;
import dev.unlearn.hessian.testing.Dense;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The growable Nyström sketch keeps every product it paid for and stays orthonormal; adaptive
 * Nyström-PCG solves to a dense solve's answer and its total matvecs (sketch, restarts and PCG)
 * are within a quarter of the best of a sweep of fixed ranks on spectra like a damped
 * Gauss-Newton matrix's (a slow power-law decay whose bottom reaches the damping), and a flat
 * spectrum keeps the first sketch.
 */
class NystromAdaptiveTest {
  private static final int P = 400;
  private static final double TOL = 1e-8;

  /** i^-exponent for i &le; nonzero, then zeros: a Gauss-Newton-like null space when nonzero &lt; P. */
  private static double[][] spectrum(double exponent, int nonzero) {
    double[] eigs = new double[P];
    for (int i = 0; i < nonzero; i++) {
      eigs[i] = Math.pow(i + 1, -exponent);
    }
    return Dense.withSpectrum(eigs, new SplittableRandom(17));
  }

  @Test
  void aGrownSketchKeepsItsProductsAndStartsAsTheFixedOne() {
    double[][] a = spectrum(1.5, P);
    CurvatureOperator op = Operators.dense(Dense.nd(a));
    Nystrom.Growable g = Nystrom.growable(op, 16, 9);
    assertThat(g.approximation().eigenvalues())
        .containsExactly(Nystrom.approximate(Operators.dense(Dense.nd(a)), 16, 9).eigenvalues());
    long before = op.matvecs();
    g.grow(16);
    g.grow(32);
    assertThat(op.matvecs() - before).isEqualTo(48);
    assertThat(g.columns()).isEqualTo(64);
    NystromApproximation s = g.approximation();
    INDArray u = s.basis();
    double orth = u.transpose().mmul(u).sub(Nd4j.eye(s.rank()).castTo(u.dataType()))
        .norm2Number().doubleValue();
    assertThat(orth).isLessThan(1e-12);
    // a sketch is below the operator: its eigenvalues are at most the operator's (i^-1.5)
    for (int i = 0; i < s.rank(); i++) {
      assertThat(s.eigenvalues()[i]).isLessThanOrEqualTo(Math.pow(i + 1, -1.5) * (1 + 1e-12));
    }
  }

  @Test
  void onGaussNewtonLikeSpectraThePickIsNearTheBestFixedRank() {
    assertThat(solveAndCompare(spectrum(2.0, P), 1e-5).growths()).isPositive();
    assertThat(solveAndCompare(spectrum(1.5, P), 1e-4).growths()).isPositive();
  }

  @Test
  void aFlatSpectrumKeepsTheFirstSketch() {
    double[] flat = new double[P];
    for (int i = 0; i < P; i++) {
      flat[i] = 1 + (double) i / P;
    }
    AdaptiveNystromSolve r = solveAndCompare(Dense.withSpectrum(flat, new SplittableRandom(3)), 1.0);
    assertThat(r.growths()).isZero();
    assertThat(r.sketch().matvecs()).isEqualTo(Solvers.ADAPTIVE_INITIAL_RANK);
  }

  private static AdaptiveNystromSolve solveAndCompare(double[][] a, double mu) {
    double[] bv = Dense.gaussian(P, new SplittableRandom(5));
    INDArray b = Dense.nd(bv);
    CurvatureOperator op = Operators.dense(Dense.nd(a));
    long before = op.matvecs();
    AdaptiveNystromSolve r = Solvers.nystromPcgAdaptive(op, mu, b, 256, TOL, 10_000, 9);
    assertThat(op.matvecs() - before).as("every product counted").isEqualTo(r.result().matvecs());
    double[][] shifted = new double[P][];
    for (int i = 0; i < P; i++) {
      shifted[i] = a[i].clone();
      shifted[i][i] += mu;
    }
    double[] x = Dense.vector(r.result().solution());
    assertThat(r.result().converged()).isTrue();
    assertThat(Dense.relativeResidual(shifted, x, bv)).isLessThanOrEqualTo(1.5 * TOL);
    long cg = Solvers.cg(op.damped(mu), b, TOL, 10_000).matvecs();
    long best = Long.MAX_VALUE;
    StringBuilder sweep = new StringBuilder();
    for (int rank : new int[] {16, 32, 64, 128, 256}) {
      long total = Solvers.nystromPcg(op, mu, b, rank, TOL, 10_000, 9).matvecs();
      best = Math.min(best, total);
      sweep.append(' ').append(rank).append(':').append(total);
    }
    System.out.printf("adaptive Nystrom-PCG (mu %.0e, tol %.0e): sketch %d after %d growths, "
        + "total matvecs %d (CG %d; fixed ranks%s)%n", mu, TOL, r.sketch().matvecs(), r.growths(),
        r.result().matvecs(), cg, sweep);
    assertThat(r.result().matvecs()).isLessThanOrEqualTo(Math.round(1.25 * best));
    return r;
  }

  @Test
  void badArgumentsAreRefusedByName() {
    CurvatureOperator op = Operators.dense(Dense.nd(spectrum(1, P)));
    INDArray b = Dense.nd(Dense.gaussian(P, new SplittableRandom(1)));
    assertThatThrownBy(() -> Solvers.nystromPcgAdaptive(op, 0, b, 64, 1e-6, 100, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("mu");
    assertThatThrownBy(() -> Solvers.nystromPcgAdaptive(op, 1e-3, b, 0, 1e-6, 100, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxRank (0)");
    assertThatThrownBy(() -> Solvers.nystromPcgAdaptive(op, 1e-3, b, 64, 1, 100, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("tolerance (1.0)");
    assertThatThrownBy(() -> Nystrom.growable(op, 0, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("initialRank (0)");
    assertThatThrownBy(() -> Nystrom.growable(op, 4, 1).grow(0))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("more (0)");
  }
}

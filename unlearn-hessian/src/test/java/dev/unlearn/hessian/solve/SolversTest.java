package dev.unlearn.hessian.solve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.NonConvergenceException;
import dev.unlearn.testkit.Tolerance;
import dev.unlearn.hessian.estimate.Nystrom;
import dev.unlearn.hessian.estimate.NystromApproximation;
import dev.unlearn.hessian.operator.CurvatureOperator;
import dev.unlearn.hessian.operator.EmpiricalFisherOperator;
import dev.unlearn.hessian.operator.LowRankOperator;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.testing.Dense;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SolversTest {

  private static double[][] plusIdentity(double[][] a, double delta) {
    double[][] b = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i].clone();
      b[i][i] += delta;
    }
    return b;
  }

  @Test
  void conjugateGradientMatchesDenseSolve() {
    long seed = 31;
    System.out.println("SolversTest cg seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 120;
    double[][] a = Dense.randomSpd(p, 0.05, rng);
    CurvatureOperator op = Operators.dense(Dense.nd(a));
    for (int trial = 0; trial < 3; trial++) {
      double[] b = Dense.gaussian(p, rng);
      double tol = 1e-10;
      SolverResult res = Solvers.cg(op, Dense.nd(b), tol, 1000);
      double[] x = Dense.vector(res.solution());
      double residual = Dense.relativeResidual(a, x, b);
      double err = Tolerance.relativeError(x, Dense.solve(a, b));
      System.out.printf("CG p=%d: iterations %d, matvecs %d, ||Ax-b||/||b|| %.2e, error vs dense %.2e%n", p,
          res.iterations(), res.matvecs(), residual, err);
      assertThat(res.converged()).isTrue();
      assertThat(residual).isLessThanOrEqualTo(tol);
      assertThat(res.relativeResidual()).isLessThanOrEqualTo(tol);
      assertThat(res.residualHistory()).hasSize(res.iterations() + 1);
      assertThat(res.residualHistory()[0]).isEqualTo(1.0);
      assertThat(res.solution().shape()).containsExactly(p);
      assertThat(res.cost().hessianVectorProducts()).isEqualTo(res.matvecs());
    }
    // preconditioned (Jacobi) and warm-started
    double[] b = Dense.gaussian(p, rng);
    double[] diag = new double[p];
    for (int i = 0; i < p; i++) {
      diag[i] = a[i][i];
    }
    SolverResult pre = Solvers.cg(op, Dense.nd(b), 1e-9, 1000, Preconditioner.jacobi(Dense.nd(diag)));
    assertThat(Dense.relativeResidual(a, Dense.vector(pre.solution()), b)).isLessThanOrEqualTo(1e-9);
    INDArray guess = Dense.nd(Dense.solve(a, b));
    SolverResult warm = ConjugateGradient.solve(op, Dense.nd(b), guess, null, 1e-9, 10);
    assertThat(warm.iterations()).isLessThanOrEqualTo(1);
  }

  @Test
  void conjugateGradientInFloat32() {
    long seed = 37;
    System.out.println("SolversTest float32 seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 80;
    double[][] a = Dense.randomSpd(p, 0.5, rng);
    double[] b = Dense.gaussian(p, rng);
    CurvatureOperator op = Operators.dense(Dense.nd(a).castTo(DataType.FLOAT));
    SolverResult res = Solvers.cg(op, Dense.nd(b).castTo(DataType.FLOAT), 1e-5, 500);
    assertThat(res.solution().dataType()).isEqualTo(DataType.FLOAT);
    double residual = Dense.relativeResidual(a, Dense.vector(res.solution()), b);
    System.out.printf("CG float32 p=%d: iterations %d, residual (float64 check) %.2e%n", p, res.iterations(), residual);
    assertThat(residual).isLessThanOrEqualTo(2e-5);
    PreparedInverse fisher = Solvers.fisherWoodbury(
        Operators.empiricalFisher(Dense.nd(Dense.gaussian(20, p, rng)).castTo(DataType.FLOAT), 0.1));
    assertThat(fisher.solveChecked(Dense.nd(b).castTo(DataType.FLOAT)).relativeResidual()).isLessThan(1e-5);
  }

  @Test
  void blockConjugateGradientSolvesEveryColumn() {
    long seed = 32;
    System.out.println("SolversTest block seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 60;
    double[][] a = Dense.randomSpd(p, 0.1, rng);
    double[][] b = Dense.gaussian(p, 5, rng);
    BlockSolverResult res = Solvers.cgBlock(Operators.dense(Dense.nd(a)), Dense.nd(b), 1e-10, 500, null);
    assertThat(res.converged()).isTrue();
    assertThat(res.columns()).hasSize(5);
    double[][] x = Dense.matrix(res.solution());
    double[][] bt = Dense.transpose(b);
    double[][] xt = Dense.transpose(x);
    for (int j = 0; j < 5; j++) {
      assertThat(Dense.relativeResidual(a, xt[j], bt[j])).isLessThanOrEqualTo(1e-10);
    }
    assertThat(res.matvecs()).isEqualTo(res.columns().stream().mapToLong(SolverResult::matvecs).sum());
  }

  @Test
  void conjugateGradientOnHilbertPlusDamping() {
    // H_ij = 1/(i + j + 1); with x* = 1, b_i = sum_j 1/(i + j + 1) + delta in closed form
    int n = 60;
    double delta = 1e-3;
    double[][] h = new double[n][n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        h[i][j] = 1.0 / (i + j + 1) + (i == j ? delta : 0);
        b[i] += 1.0 / (i + j + 1);
      }
      b[i] += delta;
    }
    double tol = 1e-12;
    SolverResult res = Solvers.cg(Operators.dense(Dense.nd(h)), Dense.nd(b), tol, 500);
    double[] x = Dense.vector(res.solution());
    double[] ones = new double[n];
    java.util.Arrays.fill(ones, 1.0);
    double err = Tolerance.relativeError(x, ones);
    double cond = Dense.eigenvalues(h)[0] / delta;
    System.out.printf("CG Hilbert(%d) + %.0e I: cond %.2e, iterations %d, ||x - 1||/||1|| %.2e%n", n, delta,
        cond, res.iterations(), err);
    assertThat(Dense.relativeResidual(h, x, b)).isLessThanOrEqualTo(tol);
    assertThat(err).isLessThanOrEqualTo(cond * tol);
  }

  @Test
  void conjugateGradientFailuresAreTyped() {
    double[][] indefinite = {{2, 0, 0}, {0, -1, 0}, {0, 0, 1}};
    INDArray b = Dense.nd(new double[] {1, 1, 1});
    assertThatThrownBy(() -> Solvers.cg(Operators.dense(Dense.nd(indefinite)), b, 1e-8, 50))
        .isInstanceOf(NonPositiveCurvatureException.class)
        .isInstanceOf(NonConvergenceException.class)
        .satisfies(e -> assertThat(((NonPositiveCurvatureException) e).curvature()).isLessThanOrEqualTo(0));

    SplittableRandom rng = new SplittableRandom(33);
    int p = 80;
    double[][] a = Dense.randomSpd(p, 1e-3, rng);
    INDArray rhs = Dense.nd(Dense.gaussian(p, rng));
    assertThatThrownBy(() -> Solvers.cg(Operators.dense(Dense.nd(a)), rhs, 1e-10, 3))
        .isInstanceOf(IterationLimitException.class)
        .satisfies(e -> {
          IterationLimitException ex = (IterationLimitException) e;
          assertThat(ex.iterations()).isEqualTo(3);
          assertThat(ex.relativeResidual()).isGreaterThan(1e-10);
          assertThat(ex.residualNorm()).isPositive();
        });

    INDArray nan = Dense.nd(new double[] {1, Double.NaN, 1});
    assertThatThrownBy(() -> Solvers.cg(Operators.identity(3, DataType.DOUBLE), nan, 1e-8, 5))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("must be finite");
    assertThatThrownBy(() -> Solvers.cg(Operators.identity(3, DataType.DOUBLE), b, 0, 5))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("tolerance (0.0) must be in (0, 1)");
    SolverResult zero = Solvers.cg(Operators.identity(3, DataType.DOUBLE), Nd4j.zeros(DataType.DOUBLE, 3), 1e-8, 5);
    assertThat(zero.converged()).isTrue();
    assertThat(zero.solution().sumNumber().doubleValue()).isZero();
  }

  @Test
  void nystromPcgNeedsAThirdOfPlainCgMatvecs() {
    long seed = 34;
    System.out.println("SolversTest nystrom-pcg seed=" + seed);
    int p = 500;
    double delta = 1e-2;
    double tol = 1e-6;
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] q = Dense.randomOrthogonal(p, rng);
    double[] b = Dense.gaussian(p, rng);
    // fast decay 1e6 / i^4 (condition number 1e8): the sketch included, PCG needs <= 1/3 of CG
    PcgRun steep = runPcgVersusCg(q, b, 1e6, 4, delta, 40, tol, seed);
    assertThat(steep.cond).isGreaterThanOrEqualTo(1e4);
    assertThat(steep.pcgTotal * 3).isLessThanOrEqualTo(steep.cgMatvecs);
    // milder 100 / i^2 (condition number ~1e4): PCG iterations <= 1/3 of CG; the sketch is paid once
    // and amortised over right-hand sides (ten here)
    PcgRun mild = runPcgVersusCg(q, b, 100, 2, delta, 60, tol, seed);
    assertThat(mild.cond).isGreaterThanOrEqualTo(9e3);
    assertThat(mild.pcgIterationMatvecs * 3).isLessThanOrEqualTo(mild.cgMatvecs);
    assertThat((mild.rank + 10 * mild.pcgIterationMatvecs) * 3).isLessThanOrEqualTo(10 * mild.cgMatvecs);
  }

  private record PcgRun(double cond, long cgMatvecs, long pcgTotal, long pcgIterationMatvecs, int rank) {}

  private static PcgRun runPcgVersusCg(double[][] q, double[] b, double scale, double power, double delta,
      int rank, double tol, long seed) {
    int p = q.length;
    double[] eigs = new double[p];
    for (int i = 0; i < p; i++) {
      eigs[i] = scale / Math.pow(i + 1, power);
    }
    double[][] qd = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        qd[i][j] = q[i][j] * eigs[j];
      }
    }
    double[][] a = Dense.mul(qd, Dense.transpose(q));
    for (int i = 0; i < p; i++) {
      for (int j = i + 1; j < p; j++) {
        double m = 0.5 * (a[i][j] + a[j][i]);
        a[i][j] = m;
        a[j][i] = m;
      }
    }
    double cond = (eigs[0] + delta) / (eigs[p - 1] + delta);
    CurvatureOperator op = Operators.dense(Dense.nd(a));
    SolverResult cg = Solvers.cg(op.damped(delta), Dense.nd(b), tol, 5000);
    SolverResult pcg = Solvers.nystromPcg(op, delta, Dense.nd(b), rank, tol, 5000, seed + 1000);
    double[][] damped = plusIdentity(a, delta);
    double resCg = Dense.relativeResidual(damped, Dense.vector(cg.solution()), b);
    double resPcg = Dense.relativeResidual(damped, Dense.vector(pcg.solution()), b);
    System.out.printf("p=%d, spectrum %.0e/i^%.0f + %.0e I, condition number %.2e: CG %d matvecs (residual "
        + "%.2e); Nystrom-PCG rank %d: %d matvecs = %d sketch + %d in %d iterations (residual %.2e); "
        + "ratio with sketch %.3f, without %.3f%n", p, scale, power, delta, cond, cg.matvecs(), resCg, rank,
        pcg.matvecs(), rank, pcg.matvecs() - rank, pcg.iterations(), resPcg,
        pcg.matvecs() / (double) cg.matvecs(), (pcg.matvecs() - rank) / (double) cg.matvecs());
    assertThat(resCg).isLessThanOrEqualTo(tol);
    assertThat(resPcg).isLessThanOrEqualTo(tol);
    return new PcgRun(cond, cg.matvecs(), pcg.matvecs(), pcg.matvecs() - rank, rank);
  }

  @Test
  void lissaConvergesWithPowerIterationScaleAndDetectsDivergence() {
    long seed = 35;
    System.out.println("SolversTest lissa seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 50;
    double[] eigs = new double[p];
    for (int i = 0; i < p; i++) {
      eigs[i] = 1.0 + 9.0 * i / (p - 1); // condition number 10
    }
    double[][] a = Dense.withSpectrum(eigs, rng);
    CurvatureOperator op = Operators.dense(Dense.nd(a));
    double[] b = Dense.gaussian(p, rng);
    double scale = Lissa.scaleFor(op, 1.1, seed + 1000);
    SolverResult res = Solvers.lissa(op, Dense.nd(b), scale, 2000, 1e-9);
    double[] x = Dense.vector(res.solution());
    double residual = Dense.relativeResidual(a, x, b);
    System.out.printf("LiSSA: scale %.4f (lambda_max 10), steps %d, residual %.2e, error vs dense %.2e%n",
        scale, res.iterations(), residual, Tolerance.relativeError(x, Dense.solve(a, b)));
    assertThat(scale).isBetween(10.0, 11.5);
    assertThat(res.converged()).isTrue();
    assertThat(residual).isLessThanOrEqualTo(1e-9);

    // per-step operators: the step index reaches the supplier, in order
    List<Integer> steps = new ArrayList<>();
    SolverResult perStep = Lissa.solve(step -> {
      steps.add(step);
      return op;
    }, p, Dense.nd(b), Lissa.Options.of(scale, 2000, 1e-9));
    assertThat(steps).hasSize(perStep.iterations()).startsWith(1, 2, 3);
    assertThat(Dense.relativeResidual(a, Dense.vector(perStep.solution()), b)).isLessThanOrEqualTo(1e-9);

    // scale below lambda_max / 2: |1 - lambda/s| > 1 for the top eigenvalues
    assertThatThrownBy(() -> Solvers.lissa(op, Dense.nd(b), 10.0 / 3, 2000, 1e-9))
        .isInstanceOf(LissaDivergenceException.class).isInstanceOf(NonConvergenceException.class)
        .satisfies(e -> assertThat(((LissaDivergenceException) e).iterateNorm())
            .isGreaterThan(((LissaDivergenceException) e).bound()));
    assertThatThrownBy(() -> Solvers.lissa(op, Dense.nd(b), scale, 5, 1e-9))
        .isInstanceOf(IterationLimitException.class);
  }

  @Test
  void woodburyFisherAndCholeskyInversesAreExact() {
    long seed = 36;
    System.out.println("SolversTest prepared seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 150;

    // low-rank Woodbury, U orthonormal from a Nystrom sketch of a PSD matrix
    double[][] psd = Dense.randomSpd(p, 0.0, rng);
    NystromApproximation sketch = Nystrom.approximate(Operators.dense(Dense.nd(psd)), 12, seed + 1000);
    LowRankOperator lr = sketch.operator();
    double delta = 0.05;
    double[][] lrDense = plusIdentity(Dense.matrix(lr.toDense()), delta);
    checkInverse("low-rank Woodbury", Solvers.lowRankWoodbury(lr, delta), lrDense, rng);

    // Fisher Woodbury, m < p (the m x m system) and m >= p (the dense p x p system)
    for (int m : new int[] {40, 200}) {
      double lambda = 1e-2;
      double[][] g = Dense.gaussian(m, p, rng);
      double[][] f = Dense.mul(Dense.transpose(g), g);
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < p; j++) {
          f[i][j] = f[i][j] / m + (i == j ? lambda : 0);
        }
      }
      EmpiricalFisherOperator fisher = Operators.empiricalFisher(Dense.nd(g), lambda);
      checkInverse("Fisher Woodbury m=" + m, Solvers.fisherWoodbury(fisher), f, rng);
    }

    // dense Cholesky
    double[][] spd = Dense.randomSpd(p, 1e-2, rng);
    checkInverse("Cholesky", Solvers.cholesky(Operators.dense(Dense.nd(spd))), spd, rng);

    double[][] indefinite = plusIdentity(Dense.randomSpd(10, 0, rng), -5);
    assertThatThrownBy(() -> Solvers.cholesky(Operators.dense(Dense.nd(indefinite))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("must be positive definite");
    double[][] notOrthonormal = Dense.gaussian(p, 3, rng);
    assertThatThrownBy(() -> Solvers.lowRankWoodbury(
        Operators.lowRank(Dense.nd(notOrthonormal), Dense.nd(new double[] {1, 2, 3})), 0.1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("orthonormality");
    assertThatThrownBy(() -> Solvers.fisherWoodbury(Operators.empiricalFisher(Dense.nd(Dense.gaussian(3, 5, rng)), 0)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("damping (0.0) must be > 0");
  }

  private static void checkInverse(String name, PreparedInverse inv, double[][] a, SplittableRandom rng) {
    int p = a.length;
    double worst = 0;
    for (int t = 0; t < 3; t++) {
      double[] b = Dense.gaussian(p, rng);
      double[] x = Dense.vector(inv.solve(Dense.nd(b)));
      double err = Tolerance.relativeError(x, Dense.solve(a, b));
      worst = Math.max(worst, err);
      assertThat(err).as(name).isLessThanOrEqualTo(1e-8);
      SolverResult checked = inv.solveChecked(Dense.nd(b));
      assertThat(checked.relativeResidual()).as(name + " A solve(b) = b").isLessThanOrEqualTo(1e-10);
      assertThat(Dense.relativeResidual(a, Dense.vector(checked.solution()), b)).isLessThanOrEqualTo(1e-10);
    }
    // a block of right-hand sides at once
    double[][] bb = Dense.gaussian(p, 4, rng);
    double[][] xb = Dense.transpose(Dense.matrix(inv.solve(Dense.nd(bb))));
    double[][] bt = Dense.transpose(bb);
    for (int j = 0; j < 4; j++) {
      assertThat(Tolerance.relativeError(xb[j], Dense.solve(a, bt[j]))).as(name + " block").isLessThanOrEqualTo(1e-8);
    }
    System.out.printf("%s (p=%d): worst relative error vs dense solve %.2e%n", name, p, worst);
  }
}

package dev.unlearn.hessian.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.operator.CurvatureOperator;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.testing.Dense;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class EstimatorsTest {

  private static double trace(double[][] a) {
    double t = 0;
    for (int i = 0; i < a.length; i++) {
      t += a[i][i];
    }
    return t;
  }

  @Test
  void hutchinsonAndHutchPlusPlusAreUnbiased() {
    long seed = 21;
    System.out.println("EstimatorsTest unbiased seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 100;
    double[][] a = Dense.randomSpd(p, 0.5, rng);
    CurvatureOperator op = Operators.dense(Dense.nd(a));
    double exact = trace(a);
    int runs = 200;
    double hutch = 0;
    double hpp = 0;
    for (int i = 0; i < runs; i++) {
      hutch += Hutchinson.trace(op, 30, seed * 1000 + i).value();
      hpp += HutchPlusPlus.trace(op, 30, seed * 2000 + i).value();
    }
    hutch /= runs;
    hpp /= runs;
    System.out.printf("trace exact %.6f, mean Hutchinson %.6f (rel %.2e), mean Hutch++ %.6f (rel %.2e)%n",
        exact, hutch, Math.abs(hutch - exact) / exact, hpp, Math.abs(hpp - exact) / exact);
    assertThat(Math.abs(hutch - exact) / exact).isLessThan(1e-2);
    assertThat(Math.abs(hpp - exact) / exact).isLessThan(1e-2);

    TraceEstimate one = Hutchinson.trace(op, 30, 5L);
    assertThat(one.matvecs()).isEqualTo(30);
    assertThat(one.standardError()).isPositive();
    assertThat(Hutchinson.trace(op, 30, 5L)).isEqualTo(one); // deterministic for a seed
  }

  @Test
  void hutchinsonDiagonalAveragesToTheDiagonal() {
    long seed = 22;
    System.out.println("EstimatorsTest diagonal seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 40;
    double[][] a = Dense.randomSpd(p, 1.0, rng);
    DiagonalEstimate est = Hutchinson.diagonal(Operators.dense(Dense.nd(a)), 4000, seed);
    double maxErr = 0;
    for (int i = 0; i < p; i++) {
      double err = Math.abs(est.values()[i] - a[i][i]);
      maxErr = Math.max(maxErr, err / a[i][i]);
      assertThat(err).as("element %d within 5 standard errors", i)
          .isLessThanOrEqualTo(5 * est.standardErrors()[i] + 1e-12);
    }
    System.out.printf("diagonal estimate, 4000 probes: max relative error %.3e%n", maxErr);
    assertThat(maxErr).isLessThan(0.05);
  }

  @Test
  void hutchPlusPlusHasSmallerSpreadOnDecayingSpectrum() {
    long seed = 23;
    System.out.println("EstimatorsTest spread seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 200;
    double[] eigs = new double[p];
    for (int i = 0; i < p; i++) {
      eigs[i] = 1.0 / ((i + 1.0) * (i + 1.0));
    }
    double[][] a = Dense.withSpectrum(eigs, rng);
    CurvatureOperator op = Operators.dense(Dense.nd(a));
    double exact = trace(a);
    int runs = 100;
    int matvecs = 60;
    double[] h = new double[runs];
    double[] hp = new double[runs];
    for (int i = 0; i < runs; i++) {
      h[i] = Hutchinson.trace(op, matvecs, 77L + i).value();
      hp[i] = HutchPlusPlus.trace(op, matvecs, 999L + i).value();
    }
    double sdH = rms(h, exact);
    double sdHp = rms(hp, exact);
    System.out.printf("decaying spectrum p=%d, %d matvecs: RMS error Hutchinson %.3e, Hutch++ %.3e (ratio %.1f)%n",
        p, matvecs, sdH, sdHp, sdH / sdHp);
    assertThat(sdHp).isLessThan(sdH / 3);
    assertThat(HutchPlusPlus.trace(op, matvecs, 1L).matvecs()).isEqualTo(matvecs);
  }

  private static double rms(double[] x, double exact) {
    double s = 0;
    for (double v : x) {
      s += (v - exact) * (v - exact);
    }
    return Math.sqrt(s / x.length);
  }

  @Test
  void lanczosTopFiveMatchDenseEigenvalues() {
    long seed = 24;
    System.out.println("EstimatorsTest lanczos seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 200;
    double[][] a = Dense.randomSpd(p, 0.1, rng);
    double[] exact = Dense.eigenvalues(a);
    CurvatureOperator op = Operators.dense(Dense.nd(a));
    Eigenpairs top = Lanczos.largest(op, 5, 150, 1e-10, seed + 1000);
    assertThat(top.converged()).isTrue();
    double maxErr = 0;
    for (int i = 0; i < 5; i++) {
      maxErr = Math.max(maxErr, Math.abs(top.values()[i] - exact[i]) / Math.abs(exact[i]));
    }
    System.out.printf("Lanczos top-5: steps %d, matvecs %d, max relative eigenvalue error %.2e, values %s%n",
        top.steps(), top.matvecs(), maxErr, java.util.Arrays.toString(top.values()));
    assertThat(maxErr).isLessThan(1e-8);
    // Ritz vectors: unit and A y = theta y up to the reported residual
    INDArray y = top.vectors();
    for (int i = 0; i < 5; i++) {
      double[] yi = Dense.vector(y.getColumn(i));
      assertThat(Dense.norm(yi)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-10));
      double[] ay = Dense.mul(a, yi);
      double r = 0;
      for (int j = 0; j < p; j++) {
        r += Math.pow(ay[j] - top.values()[i] * yi[j], 2);
      }
      assertThat(Math.sqrt(r)).isLessThan(1e-9 * exact[0] + 2 * top.residualNorms()[i]);
    }
  }

  @Test
  void lanczosFindsRepeatedEigenvaluesAfterBreakdown() {
    SplittableRandom rng = new SplittableRandom(25);
    int p = 60;
    double[] eigs = new double[p];
    for (int i = 0; i < p; i++) {
      eigs[i] = i < 3 ? 5.0 : 1.0 / (i + 1);
    }
    double[][] a = Dense.withSpectrum(eigs, rng);
    Eigenpairs top = Lanczos.largest(Operators.dense(Dense.nd(a)), 4, p, 1e-10, 1025L);
    System.out.println("repeated eigenvalues: " + java.util.Arrays.toString(top.values()));
    assertThat(top.values()[0]).isCloseTo(5.0, org.assertj.core.data.Offset.offset(1e-8));
    assertThat(top.values()[2]).isCloseTo(5.0, org.assertj.core.data.Offset.offset(1e-8));
    assertThat(top.values()[3]).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-8));
  }

  @Test
  void powerIterationFindsTopEigenvalue() {
    long seed = 26;
    System.out.println("EstimatorsTest power seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 100;
    double[] eigs = new double[p];
    for (int i = 0; i < p; i++) {
      eigs[i] = 10.0 * Math.pow(0.8, i);
    }
    double[][] a = Dense.withSpectrum(eigs, rng);
    // the estimator's seed must differ from the matrix's: the same stream would start it on the
    // top eigenvector (the first column of the random orthogonal matrix)
    Eigenpair top = PowerIteration.largest(Operators.dense(Dense.nd(a)), 500, 1e-10, seed + 1000);
    System.out.printf("power iteration: lambda %.12f (exact 10), iterations %d, residual %.2e%n",
        top.value(), top.iterations(), top.residualNorm());
    assertThat(top.converged()).isTrue();
    assertThat(Math.abs(top.value() - 10.0)).isLessThan(1e-9);
    assertThat(top.matvecs()).isEqualTo(top.iterations());
    Eigenpair capped = PowerIteration.largest(Operators.dense(Dense.nd(a)), 3, 1e-12, seed + 1000);
    assertThat(capped.converged()).isFalse();
  }

  @Test
  void nystromApproximatesLowRankPlusNoise() {
    long seed = 27;
    System.out.println("EstimatorsTest nystrom seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 150;
    double[] eigs = new double[p];
    for (int i = 0; i < p; i++) {
      eigs[i] = i < 10 ? 100.0 / (i + 1) : 1e-4 * rng.nextDouble();
    }
    double[][] a = Dense.withSpectrum(eigs, rng);
    NystromApproximation approx = Nystrom.approximate(Operators.dense(Dense.nd(a)), 20, seed + 1000);
    assertThat(approx.rank()).isEqualTo(20);
    assertThat(approx.matvecs()).isEqualTo(20);
    double[][] u = Dense.matrix(approx.basis());
    double[][] utu = Dense.mul(Dense.transpose(u), u);
    for (int i = 0; i < 20; i++) {
      for (int j = 0; j < 20; j++) {
        assertThat(Math.abs(utu[i][j] - (i == j ? 1 : 0))).isLessThan(1e-10);
      }
    }
    double[][] lr = Dense.matrix(approx.operator().toDense());
    double[][] diff = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        diff[i][j] = a[i][j] - lr[i][j];
      }
    }
    double rel = Dense.frobenius(diff) / Dense.frobenius(a);
    double[] ev = Dense.eigenvalues(a); // independent: the best rank-20 error is the tail's norm
    double tail = 0;
    for (int i = 20; i < p; i++) {
      tail += ev[i] * ev[i];
    }
    double optimal = Math.sqrt(tail) / Dense.frobenius(a);
    double[] lam = approx.eigenvalues();
    System.out.printf("Nystrom rank 20: relative Frobenius error %.2e (optimal rank-20 %.2e), top eigenvalues %.6f %.6f%n",
        rel, optimal, lam[0], lam[1]);
    assertThat(rel).isLessThan(20 * optimal).isLessThan(1e-4);
    // Weyl: |lambda_i(A) - lambda_i(A_hat)| <= ||A - A_hat||_2 <= ||A - A_hat||_F
    double absErr = Dense.frobenius(diff);
    for (int i = 0; i < 20; i++) {
      assertThat(Math.abs(lam[i] - ev[i])).as("eigenvalue %d", i).isLessThanOrEqualTo(absErr);
    }
  }

  @Test
  void estimatorsRejectBadInput() {
    double[][] indefinite = {{1, 0, 0}, {0, -1, 0}, {0, 0, 1}};
    CurvatureOperator op = Operators.dense(Dense.nd(indefinite));
    assertThatThrownBy(() -> Nystrom.approximate(op, 3, 1L)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("positive semi-definite");
    assertThatThrownBy(() -> Hutchinson.trace(op, 0, 1L)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("probes (0) must be >= 1");
    assertThatThrownBy(() -> HutchPlusPlus.trace(op, 2, 1L)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("matvecs (2) must be >= 3");
    assertThatThrownBy(() -> Lanczos.largest(op, 4, 1L)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("k (4) must be in [1, 3]");
    CurvatureOperator nonSym = Operators.dense(Dense.nd(new double[][] {{1, 2}, {0, 1}}));
    assertThatThrownBy(() -> Lanczos.largest(nonSym, 1, 1L)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("must be symmetric");
    assertThat(DataType.DOUBLE).isEqualTo(op.dataType());
  }
}

package dev.unlearn.hessian.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.hessian.operator.CurvatureOperator;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.testing.Dense;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Regression: at rank &gt; 128 the Nyström basis was not orthonormal (&Vert;U<sup>T</sup>U &minus; I&Vert;
 * = 1.9 at rank 200 on the digits GGN) because ND4J's {@code geqrf} is wrong beyond 128 columns.
 */
class NystromHighRankTest {

  private static double orthonormalityError(double[][] u) {
    double[][] utu = Dense.mul(Dense.transpose(u), u);
    for (int i = 0; i < utu.length; i++) {
      utu[i][i] -= 1;
    }
    return Dense.frobenius(utu);
  }

  @Test
  void rank200OnAFastDecayingSpectrumIsOrthonormalAndNearTheBestRank200Error() {
    long seed = 91;
    System.out.println("NystromHighRankTest seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 300;
    int l = 200;
    double[] eigs = new double[p];
    for (int i = 0; i < p; i++) {
      eigs[i] = 10 * Math.pow(0.9, i); // 10 ... 7e-9 at i = 200 ... 2e-13
    }
    double[][] a = Dense.withSpectrum(eigs, rng);
    NystromApproximation approx = Nystrom.approximate(Operators.dense(Dense.nd(a)), l, seed + 1);
    assertThat(approx.rank()).isEqualTo(l);
    double orth = orthonormalityError(Dense.matrix(approx.basis()));
    double[][] lr = Dense.matrix(approx.operator().toDense());
    double[][] diff = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        diff[i][j] = a[i][j] - lr[i][j];
      }
    }
    double err = Dense.frobenius(diff);
    double best = 0; // closed form: the best rank-l error is the norm of the spectrum's tail
    double best150 = 0;
    double best170 = 0;
    for (int i = 0; i < p; i++) {
      best += i >= l ? eigs[i] * eigs[i] : 0;
      best150 += i >= 150 ? eigs[i] * eigs[i] : 0;
      best170 += i >= 170 ? eigs[i] * eigs[i] : 0;
    }
    best = Math.sqrt(best);
    best150 = Math.sqrt(best150);
    best170 = Math.sqrt(best170);
    double[] lam = approx.eigenvalues();
    System.out.printf("Nystrom rank %d: ||U^T U - I||_F %.2e, ||A - U L U^T||_F %.3e, best rank-%d "
        + "%.3e (ratio %.2f), best rank-150 %.3e; lambda_1 %.9f (exact %.9f), lambda_100 %.4e "
        + "(exact %.4e)%n", l, orth, err, l, best, err / best, best150, lam[0], eigs[0], lam[99],
        eigs[99]);
    for (int k : new int[] {200, 190, 180, 170, 160, 150}) {
      double t = 0;
      for (int i = k; i < p; i++) {
        t += eigs[i] * eigs[i];
      }
      System.out.printf("  err / best rank-%d = %.3f%n", k, err / Math.sqrt(t));
    }
    assertThat(orth).isLessThan(1e-10);
    // no oversampling (sketch size = rank): the Nystrom error bound of Tropp et al. 2017 compares
    // with the best rank-k error for k well below l; measured ~ best rank-165
    assertThat(err).isLessThan(2 * best170).isLessThan(50 * best);
    for (int i = 0; i < 100; i++) {
      assertThat(Math.abs(lam[i] - eigs[i])).as("lambda_%d", i).isLessThan(1e-8 * eigs[0]);
    }
  }

  @Test
  void rankAboveTheOperatorsRankDropsTheNullDirections() {
    long seed = 92;
    System.out.println("NystromHighRankTest low-rank seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 260;
    double[] eigs = new double[p];
    for (int i = 0; i < 150; i++) {
      eigs[i] = 1.0 + i; // rank 150, then exact zeros
    }
    double[][] a = Dense.withSpectrum(eigs, rng);
    NystromApproximation approx = Nystrom.approximate(Operators.dense(Dense.nd(a)), 200, seed + 1);
    double[] lam = approx.eigenvalues();
    System.out.printf("Nystrom rank 200 of a rank-150 matrix: kept %d, smallest %.3e, "
        + "||U^T U - I||_F %.2e%n", approx.rank(), approx.smallestEigenvalue(),
        orthonormalityError(Dense.matrix(approx.basis())));
    assertThat(approx.rank()).isEqualTo(150);
    assertThat(approx.smallestEigenvalue()).isGreaterThan(0);
    assertThat(orthonormalityError(Dense.matrix(approx.basis()))).isLessThan(1e-10);
    for (int i = 0; i < 150; i++) {
      assertThat(Math.abs(lam[i] - eigs[149 - i])).isLessThan(1e-9 * 150);
    }
  }

  @Test
  void rank200OnTheDigitsGaussNewtonMatrixIsOrthonormalAndBelowTheOperator() {
    Dataset train = Digits.standardSplit().train();
    Model model = LogisticRegression.of(64, 10).withL2(1e-3);
    INDArray theta = Trainer.train(model, train, TrainingRecipe.lbfgs(1e-6)).parameters();
    CurvatureOperator ggn = Operators.gaussNewton(model.at(theta, train));
    NystromApproximation approx = Nystrom.approximate(ggn, 200, 5);
    double[][] u = Dense.matrix(approx.basis());
    double orth = orthonormalityError(u);
    // Nystrom is a lower approximation (U L U^T <= A), so each u_i^T A u_i >= lambda_i; and the
    // GGN holds l2 I, so every Rayleigh quotient is >= l2
    double[][] au = Dense.matrix(ggn.apply(approx.basis()));
    double[] lam = approx.eigenvalues();
    double worst = Double.POSITIVE_INFINITY;
    for (int j = 0; j < lam.length; j++) {
      double q = 0;
      for (int i = 0; i < u.length; i++) {
        q += u[i][j] * au[i][j];
      }
      worst = Math.min(worst, q - lam[j]);
      assertThat(q).as("Rayleigh quotient %d", j).isGreaterThanOrEqualTo(model.l2() * (1 - 1e-9));
    }
    System.out.printf("digits GGN (p = %d) Nystrom rank %d: ||U^T U - I||_F %.2e, lambda_1 %.4f, "
        + "lambda_200 %.4e, min(u^T A u - lambda) %.2e%n", ggn.dimension(), lam.length, orth, lam[0],
        lam[lam.length - 1], worst);
    assertThat(orth).isLessThan(1e-10);
    assertThat(worst).isGreaterThan(-1e-10);
  }
}

package dev.unlearn.hessian.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.testing.Dense;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The dense SPD kernels of the deletion service, on OpenBLAS and on the ND4J fallback, against
 * plain-Java products and Gaussian elimination.
 */
class DenseSpdTest {

  @Test
  void onOpenBlasADowndatedShiftedSystemIsSolvedLikeGaussianElimination() {
    solvedLikeGaussianElimination(true);
  }

  @Test
  void onTheFallbackADowndatedShiftedSystemIsSolvedLikeGaussianElimination() {
    solvedLikeGaussianElimination(false);
  }

  @Test
  void anIndefiniteMatrixIsRefusedByNameOnBothPaths() {
    indefiniteRefused(false);
    indefiniteRefused(true);
  }

  private static void solvedLikeGaussianElimination(boolean nativePath) {
    Assumptions.assumeTrue(!nativePath || DenseSpd.isNative(), "OpenBLAS comes with the CPU backend");
    SplittableRandom rng = new SplittableRandom(71);
    int p = 150; // more than one 64-block on the fallback
    double[][] g = Dense.gaussian(p, 2 * p, rng);
    double[][] u = new double[p][40]; // the first 40 columns of G: S - U U^T is a Gram matrix
    for (int i = 0; i < p; i++) {
      System.arraycopy(g[i], 0, u[i], 0, 40);
    }
    // S = G G^T, then S - U U^T, solved with shift 3 (as the service deletes rows)
    INDArray s = DenseSpd.square(p);
    DenseSpd.rankUpdate(s, Dense.nd(g), 1.0, nativePath);
    INDArray uArr = Dense.nd(u);
    INDArray uBefore = uArr.dup();
    DenseSpd.rankUpdate(s, uArr, -1.0, nativePath);
    assertThat(uArr).isEqualTo(uBefore);
    double[][] expected = Dense.mul(g, Dense.transpose(g));
    double[][] uu = Dense.mul(u, Dense.transpose(u));
    double shift = 3.0;
    for (int i = 0; i < p; i++) {
      for (int j = 0; j <= i; j++) {
        expected[i][j] -= uu[i][j];
        expected[j][i] = expected[i][j];
        assertThat(s.getDouble(i, j)).isCloseTo(expected[i][j],
            org.assertj.core.data.Offset.offset(1e-10 * (1 + Math.abs(expected[i][j]))));
      }
      expected[i][i] += shift;
    }
    INDArray sBefore = s.dup();
    double[] b = Dense.gaussian(p, rng);
    DenseSpd.Factor f = DenseSpd.factor(s, shift, DenseSpd.square(p), "S", nativePath);
    double[] z = f.solve(b);
    double[] oracle = Dense.solve(expected, b);
    double err = 0;
    for (int i = 0; i < p; i++) {
      err = Math.max(err, Math.abs(z[i] - oracle[i]) / (1e-300 + Dense.norm(oracle)));
    }
    System.out.printf("DenseSpd native=%s: max |z - gauss|/|gauss| = %.1e, residual %.1e%n",
        nativePath, err, f.relativeResidual());
    assertThat(err).isLessThan(1e-10);
    assertThat(f.relativeResidual()).isLessThan(1e-13)
        .isCloseTo(Dense.relativeResidual(expected, z, b), org.assertj.core.data.Offset.offset(1e-13));
    assertThat(s).as("the factorisation leaves S as it was").isEqualTo(sBefore);
  }

  @Test
  void theFactorMustNotOverwriteTheMatrix() {
    INDArray s = DenseSpd.square(3);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DenseSpd.factor(s, 1, s, "S"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not share");
  }

  private static void indefiniteRefused(boolean nativePath) {
    Assumptions.assumeTrue(!nativePath || DenseSpd.isNative(), "OpenBLAS comes with the CPU backend");
    int p = 70;
    INDArray s = DenseSpd.square(p);
    DenseSpd.rankUpdate(s, Dense.nd(Dense.gaussian(p, 3, new SplittableRandom(5))), -1.0,
        nativePath);
    assertThatThrownBy(() -> DenseSpd.factor(s, 1e-3, DenseSpd.square(p), "the test matrix",
        nativePath)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the test matrix must be positive definite");
  }
}

package dev.unlearn.hessian.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.hessian.testing.Dense;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** LAPACK's symmetric eigensolver through ND4J, checked against plain-Java Jacobi. */
class FactorizationsEigenTest {

  @Test
  void lapackeIsUsedOnTheCpuBackend() {
    org.junit.jupiter.api.Assumptions.assumeTrue(org.nd4j.linalg.factory.Nd4j.getBackend()
        .getClass().getName().contains("Cpu"), "OpenBLAS's LAPACKE comes with the CPU backend");
    assertThat(Factorizations.Lapacke.AVAILABLE).isTrue();
  }

  @Test
  void eigenpairsReconstructTheMatrixAndMatchJacobi() {
    eigenpairsReconstructTheMatrixAndMatchJacobi(true);
  }

  @Test
  void nd4jsSyevWrapperGivesTheSame() {
    eigenpairsReconstructTheMatrixAndMatchJacobi(false);
  }

  private static void eigenpairsReconstructTheMatrixAndMatchJacobi(boolean lapacke) {
    long seed = 43;
    System.out.println("FactorizationsEigenTest seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int n : new int[] {1, 7, 150}) {
      double[][] g = Dense.gaussian(n, n + 3, rng);
      double[][] a = Dense.mul(g, Dense.transpose(g)); // PSD, like a Gram matrix
      a[0][0] -= 2.0; // and one negative direction when n > 1 (tests the ordering)
      INDArray arr = Dense.nd(a);
      INDArray before = arr.dup();
      double[] values = new double[n];
      double[] vectors = new double[n * n];
      Factorizations.symmetricEigen(arr, values, vectors, lapacke);
      assertThat(arr).isEqualTo(before);
      double[] jacobi = Dense.symmetricEigen(a).values().clone();
      Arrays.sort(jacobi);
      double scale = Math.abs(jacobi[n - 1]) + Math.abs(jacobi[0]);
      for (int j = 0; j < n; j++) {
        assertThat(values[j]).as("eigenvalue %d of %d", j, n)
            .isCloseTo(jacobi[n - 1 - j], org.assertj.core.data.Offset.offset(1e-12 * scale));
        if (j > 0) {
          assertThat(values[j]).isLessThanOrEqualTo(values[j - 1]);
        }
      }
      double worst = 0;
      double orth = 0;
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < n; i++) {
          double av = 0;
          for (int k = 0; k < n; k++) {
            av += a[i][k] * vectors[k * n + j];
          }
          worst = Math.max(worst, Math.abs(av - values[j] * vectors[i * n + j]));
        }
        for (int k = 0; k < n; k++) {
          double d = 0;
          for (int i = 0; i < n; i++) {
            d += vectors[i * n + j] * vectors[i * n + k];
          }
          orth = Math.max(orth, Math.abs(d - (j == k ? 1 : 0)));
        }
      }
      System.out.printf("lapacke %s n=%d: max |Av - lambda v| %.2e (scale %.2e), max |V^T V - I| %.2e%n",
          lapacke, n, worst, scale, orth);
      assertThat(worst).isLessThan(1e-12 * scale);
      assertThat(orth).isLessThan(1e-12);
    }
  }
}

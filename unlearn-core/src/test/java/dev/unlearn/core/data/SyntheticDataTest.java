package dev.unlearn.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.testkit.Tolerance;
import org.junit.jupiter.api.Test;

class SyntheticDataTest {

  private static double[] flat(Dataset d) {
    return d.features().dup('c').data().asDouble();
  }

  @Test
  void shapesLabelsAndDeterminism() {
    long seed = 3;
    System.out.println("synthetic seed=" + seed);
    Split s = SyntheticData.generate(400, 12, 4, seed);
    assertThat(s.train().size()).isEqualTo(400);
    assertThat(s.test().size()).isEqualTo(100);
    assertThat(s.train().numFeatures()).isEqualTo(12);
    assertThat(s.test().numFeatures()).isEqualTo(12);
    assertThat(s.train().numClasses()).isEqualTo(4);
    assertThat(s.trainRows()).startsWith(0, 1).endsWith(399);
    assertThat(s.testRows()).startsWith(400).endsWith(499);
    for (int y : s.train().labels()) {
      assertThat(y).isBetween(0, 3);
    }
    Split again = SyntheticData.generate(400, 12, 4, seed);
    assertThat(flat(again.train())).containsExactly(flat(s.train()));
    assertThat(flat(again.test())).containsExactly(flat(s.test()));
    assertThat(again.train().labels()).containsExactly(s.train().labels());
    Split other = SyntheticData.generate(400, 12, 4, seed + 1);
    assertThat(flat(other.train())).isNotEqualTo(flat(s.train()));
    assertThat(other.train().labels()).isNotEqualTo(s.train().labels());
    assertThat(SyntheticData.generate(400, 12, 4, seed, 7).test().size()).isEqualTo(7);
  }

  @Test
  void classesAreReasonablyBalanced() {
    for (long seed : new long[] {0, 1, 2}) {
      System.out.println("synthetic balance seed=" + seed);
      int n = 4000;
      int k = 5;
      int[] counts = SyntheticData.generate(n, 100, k, seed).train().classCounts();
      for (int c = 0; c < k; c++) {
        assertThat(counts[c]).as("seed %d class %d of %s", seed, c, java.util.Arrays.toString(
            counts)).isBetween(n / k / 2, 3 * n / k / 2);
      }
    }
  }

  @Test
  void labelsAreTheTeachersArgmaxAndScalingUsesTrainStatistics() {
    long seed = 17;
    System.out.println("synthetic teacher seed=" + seed);
    int n = 300;
    int nTest = 50;
    int d = 9;
    int k = 3;
    SyntheticData.Raw raw = SyntheticData.raw(n, d, k, seed, nTest);
    // Oracle: logits class by class (a different loop order from the generator's).
    for (int i = 0; i < n + nTest; i++) {
      int best = -1;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        double z = raw.gumbel()[i * k + j];
        for (int t = 0; t < d; t++) {
          z += raw.x()[i * d + t] * raw.w()[t * k + j];
        }
        if (z > bestValue) {
          bestValue = z;
          best = j;
        }
      }
      assertThat(raw.labels()[i]).as("row %d", i).isEqualTo(best);
    }
    Split s = SyntheticData.generate(n, d, k, seed, nTest);
    assertThat(s.train().labels()).containsExactly(java.util.Arrays.copyOf(raw.labels(), n));
    assertThat(s.test().labels())
        .containsExactly(java.util.Arrays.copyOfRange(raw.labels(), n, n + nTest));
    double[] z = flat(s.train());
    double[] zt = flat(s.test());
    Tolerance tol = Tolerance.of(1e-12, 1e-10);
    for (int t = 0; t < d; t++) {
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += raw.x()[i * d + t];
      }
      mean /= n;
      double var = 0;
      for (int i = 0; i < n; i++) {
        var += (raw.x()[i * d + t] - mean) * (raw.x()[i * d + t] - mean);
      }
      double std = Math.sqrt(var / n);
      for (int i = 0; i < n; i++) {
        tol.assertClose(z[i * d + t], (raw.x()[i * d + t] - mean) / std);
      }
      for (int i = 0; i < nTest; i++) {
        tol.assertClose(zt[i * d + t], (raw.x()[(n + i) * d + t] - mean) / std);
      }
    }
  }

  @Test
  void drawsFollowTheirDistributions() {
    long seed = 23;
    System.out.println("synthetic moments seed=" + seed);
    int d = 64;
    SyntheticData.Raw raw = SyntheticData.raw(2000, d, 50, seed, 500);
    // Standard normal X, W ~ N(0, 9/d), standard Gumbel G (mean Euler's gamma, variance pi^2/6);
    // bounds of 5 standard errors.
    checkMoments(raw.x(), 0, 1, 2);
    checkMoments(raw.w(), 0, 9.0 / d, 2 * 81.0 / (d * d));
    checkMoments(raw.gumbel(), 0.5772156649015329, Math.PI * Math.PI / 6, 12.0);
  }

  private static void checkMoments(double[] v, double mean, double var, double varOfSquareDev) {
    int m = v.length;
    double s = 0;
    for (double x : v) {
      s += x;
    }
    double mu = s / m;
    double q = 0;
    for (double x : v) {
      q += (x - mu) * (x - mu);
    }
    double var0 = q / m;
    assertThat(Math.abs(mu - mean)).as("mean of %d draws", m).isLessThan(5 * Math.sqrt(var / m));
    assertThat(Math.abs(var0 - var)).as("variance of %d draws", m)
        .isLessThan(5 * Math.sqrt(varOfSquareDev / m));
  }

  @Test
  void badSizesAreRejected() {
    assertThatThrownBy(() -> SyntheticData.generate(100, 5, 1, 0))
        .isInstanceOf(InvalidInputException.class).hasMessage("k (1) must be >= 2");
    assertThatThrownBy(() -> SyntheticData.generate(100, 0, 3, 0))
        .isInstanceOf(InvalidInputException.class).hasMessage("d (0) must be >= 1");
    assertThatThrownBy(() -> SyntheticData.generate(3, 5, 3, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("n (3) must be >= 4 (the test set has n / 4 rows)");
    assertThatThrownBy(() -> SyntheticData.generate(10, 5, 3, 0, 0))
        .isInstanceOf(InvalidInputException.class).hasMessage("nTest (0) must be >= 1");
    assertThatThrownBy(() -> SyntheticData.generate(1, 5, 3, 0, 2))
        .isInstanceOf(InvalidInputException.class).hasMessage("n (1) must be >= 2");
  }
}

package dev.unlearn.metrics.forgetting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast score against {@link BruteForceEpsilon} on random small cases: exact equality. */
class ForgettingScoreBruteForceTest {

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void fastEqualsBruteForceOnRandomCases(long seed) {
    System.out.println("brute-force seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    int[] sizes = {3, 4, 7, 12};
    int examples = 4;
    for (int n : sizes) {
      double[][] u = new double[n][examples];
      double[][] r = new double[n][examples];
      for (int s = 0; s < examples; s++) {
        // Example 0: continuous; 1: shifted; 2: values on a 0.5 grid (ties within and across
        // samples); 3: different spreads, sometimes tiny.
        double shift = s == 1 ? 1 + random.nextDouble() * 2 : 0;
        double scaleU = s == 3 ? Math.pow(10, -2 + 3 * random.nextDouble()) : 1;
        double scaleR = s == 3 ? Math.pow(10, -2 + 3 * random.nextDouble()) : 1.5;
        for (int i = 0; i < n; i++) {
          double a = ForgettingScoreTest.gaussian(random) * scaleU;
          double b = ForgettingScoreTest.gaussian(random) * scaleR + shift;
          if (s == 2) {
            a = Math.rint(2 * a) / 2;
            b = Math.rint(2 * b) / 2;
          }
          u[i][s] = a;
          r[i][s] = b;
        }
      }
      ForgettingResult fast = ForgettingScore.compute(u, r);
      for (int s = 0; s < examples; s++) {
        double[] us = new double[n];
        double[] rs = new double[n];
        for (int i = 0; i < n; i++) {
          us[i] = u[i][s];
          rs[i] = r[i][s];
        }
        double expected = BruteForceEpsilon.epsilon(us, rs);
        assertThat(fast.epsilon(s)).as("seed %d, N %d, example %d", seed, n, s)
            .isEqualTo(expected);
      }
    }
  }
}

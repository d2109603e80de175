package dev.unlearn.metrics.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.testkit.Tolerance;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class DivergenceTest {
  private static final Tolerance TOL = Tolerance.of(1e-15, 1e-13);

  @Test
  void klOfBernoulliMatchesHandComputation() {
    double[] p = {0.3, 0.7};
    double[] q = {0.6, 0.4};
    TOL.assertClose(Divergence.kl(p, q), 0.3 * Math.log(0.3 / 0.6) + 0.7 * Math.log(0.7 / 0.4));
    TOL.assertClose(Divergence.kl(q, p), 0.6 * Math.log(0.6 / 0.3) + 0.4 * Math.log(0.4 / 0.7));
    assertThat(Divergence.kl(p, p)).isZero();
  }

  @Test
  void klConventionsForZeros() {
    // p_j = 0 contributes nothing: KL((1, 0) ‖ (½, ½)) = ln 2.
    TOL.assertClose(Divergence.kl(new double[] {1, 0}, new double[] {0.5, 0.5}), Math.log(2));
    // q_j = 0 under p_j > 0 is clipped to 1e-12.
    TOL.assertClose(Divergence.kl(new double[] {0.5, 0.5}, new double[] {1, 0}),
        0.5 * Math.log(0.5) + 0.5 * Math.log(0.5 / 1e-12));
  }

  @Test
  void jensenShannonMatchesHandComputationAndBounds() {
    double[] p = {0.3, 0.7};
    double[] q = {0.6, 0.4};
    double expected = 0.5 * (0.3 * Math.log(0.3 / 0.45) + 0.7 * Math.log(0.7 / 0.55))
        + 0.5 * (0.6 * Math.log(0.6 / 0.45) + 0.4 * Math.log(0.4 / 0.55));
    TOL.assertClose(Divergence.jensenShannon(p, q), expected);
    // Disjoint supports reach the bound ln 2.
    TOL.assertClose(Divergence.jensenShannon(new double[] {1, 0, 0}, new double[] {0, 0.5, 0.5}),
        Math.log(2));
    assertThat(Divergence.jensenShannon(p, p)).isZero();
  }

  @Test
  void randomCategoricalsAreSymmetricBoundedAndAveragedPerRow() {
    long seed = 51;
    System.out.println("divergence seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    int rows = 30;
    int k = 6;
    double[][] p = new double[rows][];
    double[][] q = new double[rows][];
    double klSum = 0;
    double jsSum = 0;
    for (int i = 0; i < rows; i++) {
      p[i] = randomDistribution(random, k);
      q[i] = randomDistribution(random, k);
      double js = Divergence.jensenShannon(p[i], q[i]);
      TOL.assertClose(js, Divergence.jensenShannon(q[i], p[i]));
      assertThat(js).isBetween(0.0, Math.log(2));
      assertThat(Divergence.kl(p[i], q[i])).isGreaterThanOrEqualTo(0.0); // Gibbs
      klSum += Divergence.kl(p[i], q[i]);
      jsSum += js;
    }
    TOL.assertClose(Divergence.meanKl(p, q), klSum / rows);
    TOL.assertClose(Divergence.meanJensenShannon(p, q), jsSum / rows);
    TOL.assertClose(Divergence.meanKl(Nd4j.createFromArray(p), Nd4j.createFromArray(q)),
        klSum / rows);
    TOL.assertClose(Divergence.meanKl(p, p), 0.0);
  }

  @Test
  void rejectsNonDistributions() {
    assertThatThrownBy(() -> Divergence.meanKl(new double[][] {{0.5, 0.4}},
        new double[][] {{0.5, 0.5}})).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 0 sum (0.9").hasMessageContaining("must be 1 within");
    assertThatThrownBy(() -> Divergence.kl(new double[] {1.5, -0.5}, new double[] {0.5, 0.5}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("(1.5) must be in [0, 1]");
    assertThatThrownBy(() -> Divergence.meanJensenShannon(new double[][] {{Double.NaN, 1}},
        new double[][] {{0.5, 0.5}})).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Divergence.meanKl(new double[][] {{1, 0}},
        new double[][] {{1, 0}, {0, 1}})).isInstanceOf(InvalidInputException.class);
  }

  private static double[] randomDistribution(SplittableRandom random, int k) {
    double[] x = new double[k];
    double sum = 0;
    for (int j = 0; j < k; j++) {
      x[j] = random.nextDouble() < 0.2 ? 0 : -Math.log(random.nextDouble());
      sum += x[j];
    }
    if (sum == 0) {
      x[0] = 1;
      sum = 1;
    }
    for (int j = 0; j < k; j++) {
      x[j] /= sum;
    }
    return x;
  }
}

package dev.unlearn.metrics.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.testkit.Tolerance;
import org.junit.jupiter.api.Test;

class ExposureTest {
  private static final Tolerance TOL = Tolerance.of(1e-15, 1e-14);

  @Test
  void exposureOfASmallRanking() {
    double[] others = {2, 3, 4, 5, 6, 7, 8};
    // |R| = 8. The canary is the most likely: rank 1, exposure log2 8 = 3.
    assertThat(Exposure.rank(1, others)).isEqualTo(1);
    TOL.assertClose(Exposure.exposure(1, others), 3.0);
    // Between 4 and 5: rank 4, exposure 3 − 2 = 1.
    assertThat(Exposure.rank(4.5, others)).isEqualTo(4);
    TOL.assertClose(Exposure.exposure(4.5, others), 1.0);
    // The least likely: rank 8, exposure 0.
    TOL.assertClose(Exposure.exposure(9, others), 0.0);
  }

  @Test
  void tiesRankAheadOfTheCanary() {
    // Candidates {1, 2, 3}, canary 2: 1 and the tied 2 rank ahead, rank 3 of |R| = 4.
    assertThat(Exposure.rank(2, new double[] {1, 2, 3})).isEqualTo(3);
    TOL.assertClose(Exposure.exposure(2, new double[] {1, 2, 3}), 2 - Math.log(3) / Math.log(2));
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> Exposure.exposure(1, new double[0]))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("candidates (0)");
    assertThatThrownBy(() -> Exposure.exposure(Double.NaN, new double[] {1}))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Exposure.exposure(1, new double[] {Double.NEGATIVE_INFINITY}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("candidate 0");
  }
}

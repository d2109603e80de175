package dev.unlearn.metrics.forgetting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.testkit.Tolerance;
import org.junit.jupiter.api.Test;

class CompetitionScoreTest {
  private static final Tolerance TOL = Tolerance.of(1e-15, 1e-14);

  @Test
  void multipliesFByUncappedAccuracyRatios() {
    // F = 0.5; RA_U = 0.9 vs RA_R = 0.8 (ratio 1.125, not capped); TA_U = 0.6 vs TA_R = 0.75.
    CompetitionScore s = CompetitionScore.of(0.5, 0.9, 0.8, 0.6, 0.75);
    TOL.assertClose(s.retainAccuracyRatio(), 1.125);
    TOL.assertClose(s.testAccuracyRatio(), 0.8);
    TOL.assertClose(s.finalScore(), 0.5 * 1.125 * 0.8);
  }

  @Test
  void averagesPerModelAccuracies() {
    ForgettingResult f = new ForgettingResult(0.25, new double[] {1.2}, new double[] {0.25}, 4, 2);
    CompetitionScore s = CompetitionScore.of(f, new double[] {0.8, 1.0}, new double[] {0.9, 0.9},
        new double[] {0.5, 0.7}, new double[] {0.6, 0.6});
    TOL.assertClose(s.finalScore(), 0.25 * (0.9 / 0.9) * (0.6 / 0.6));
    TOL.assertClose(s.forgettingQuality(), 0.25);
  }

  @Test
  void rejectsBadAccuracies() {
    assertThatThrownBy(() -> CompetitionScore.of(0.5, 0.9, 0.0, 0.6, 0.7))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("retainAccuracyRetrained (0.0) must be > 0");
    assertThatThrownBy(() -> CompetitionScore.of(0.5, Double.NaN, 0.8, 0.6, 0.7))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("(NaN) must be in [0, 1]");
    assertThatThrownBy(() -> CompetitionScore.of(0.5, 1.2, 0.8, 0.6, 0.7))
        .isInstanceOf(InvalidInputException.class);
  }
}

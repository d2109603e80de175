package dev.unlearn.metrics.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ScoreSpreadTest {

  @Test
  void meanDeviationAndStudentInterval() {
    ScoreSpread s = ScoreSpread.of(new double[] {1, 2, 3, 4});
    assertThat(s.n()).isEqualTo(4);
    assertThat(s.mean()).isEqualTo(2.5);
    assertThat(s.sd()).isCloseTo(Math.sqrt(5.0 / 3), Offset.offset(1e-15));
    double half = 3.182446 * Math.sqrt(5.0 / 3) / 2; // t(0.975, 3), R: qt(0.975, 3)
    assertThat(s.low()).isCloseTo(2.5 - half, Offset.offset(1e-12));
    assertThat(s.high()).isCloseTo(2.5 + half, Offset.offset(1e-12));
    ScoreSpread same = ScoreSpread.of(new double[] {0.7, 0.7, 0.7});
    assertThat(same.sd()).isZero();
    assertThat(same.low()).isEqualTo(same.high()).isEqualTo(0.7);
    ScoreSpread one = ScoreSpread.of(new double[] {5});
    assertThat(one.mean()).isEqualTo(5);
    assertThat(one.sd()).isNaN();
    assertThatThrownBy(() -> ScoreSpread.of(new double[0]))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void studentQuantilesMatchPublishedValuesBeyondTheTable() {
    // qt(0.975, df) from R / SciPy
    assertThat(ScoreSpread.t975(30)).isCloseTo(2.042272, Offset.offset(1e-6));
    assertThat(ScoreSpread.t975(31)).isCloseTo(2.039513, Offset.offset(1e-4));
    assertThat(ScoreSpread.t975(60)).isCloseTo(2.000298, Offset.offset(1e-4));
    assertThat(ScoreSpread.t975(120)).isCloseTo(1.979930, Offset.offset(1e-4));
    assertThat(ScoreSpread.t975(511)).isCloseTo(1.964645, Offset.offset(1e-4));
  }
}

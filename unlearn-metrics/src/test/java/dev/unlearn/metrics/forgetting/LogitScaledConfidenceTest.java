package dev.unlearn.metrics.forgetting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.testkit.Tolerance;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class LogitScaledConfidenceTest {
  private static final Tolerance TOL = Tolerance.of(1e-12, 1e-12);

  @Test
  void twoClassesGiveTheLogitDifference() {
    // k = 2: p_y / (1 − p_y) = exp(z_y − z_other), so φ = z_y − z_other (while both p are ≫ 1e-45).
    long seed = 41;
    System.out.println("two-class seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    for (int t = 0; t < 100; t++) {
      double a = (random.nextDouble() - 0.5) * 40;
      double b = (random.nextDouble() - 0.5) * 40;
      TOL.assertClose(LogitScaledConfidence.of(new double[] {a, b}, 0), a - b);
      TOL.assertClose(LogitScaledConfidence.of(new double[] {a, b}, 1), b - a);
    }
  }

  @Test
  void manyClassesGiveLogOdds() {
    // φ = z_y − log Σ_{j≠y} exp(z_j): the log-odds of the true class.
    double[] z = {1.0, -2.0, 0.5, 3.0};
    double expected = 0.5 - Math.log(Math.exp(1.0) + Math.exp(-2.0) + Math.exp(3.0));
    TOL.assertClose(LogitScaledConfidence.of(z, 2), expected);
    // Invariant to adding a constant to every logit (the max is subtracted).
    double[] shifted = {1001.0, 998.0, 1000.5, 1003.0};
    TOL.assertClose(LogitScaledConfidence.of(shifted, 2), expected);
  }

  @Test
  void floorsAt1eMinus45() {
    // The other class underflows to 0: φ = log(1 + 1e-45) − log(0 + 1e-45) = −log(1e-45).
    double big = LogitScaledConfidence.of(new double[] {1000, 0}, 0);
    assertThat(big).isEqualTo(StrictMath.log(1.0 + 1e-45) - StrictMath.log(1e-45));
    TOL.assertClose(big, 45 * Math.log(10));
    double small = LogitScaledConfidence.of(new double[] {1000, 0}, 1);
    TOL.assertClose(small, -45 * Math.log(10));
  }

  @Test
  void matrixAndNd4jOverloadsAgreeWithRows() {
    double[][] logits = {{0.1, 0.2, 0.3}, {2, -1, 0}};
    int[] labels = {2, 0};
    double[] expected = {
        LogitScaledConfidence.of(logits[0], 2), LogitScaledConfidence.of(logits[1], 0)};
    assertThat(LogitScaledConfidence.of(logits, labels)).containsExactly(expected);
    assertThat(LogitScaledConfidence.of(Nd4j.createFromArray(logits), labels))
        .containsExactly(expected);
    // float32 logits are read as double, then the same arithmetic.
    double[] fromFloat =
        LogitScaledConfidence.of(Nd4j.createFromArray(logits).castTo(DataType.FLOAT), labels);
    double[][] rounded = {{0.1f, 0.2f, 0.3f}, {2, -1, 0}};
    assertThat(fromFloat).containsExactly(LogitScaledConfidence.of(rounded, labels));
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> LogitScaledConfidence.of(new double[][] {{0, 1}, {Double.NaN, 1}},
        new int[] {0, 1})).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 1, column 0 (NaN)");
    assertThatThrownBy(() -> LogitScaledConfidence.of(new double[] {0, 1}, 2))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("(2) must be in [0, 2)");
    assertThatThrownBy(() -> LogitScaledConfidence.of(new double[][] {{0, 1}}, new int[] {0, 1}))
        .isInstanceOf(InvalidInputException.class);
    assertThat(LogitScaledConfidence.of(new double[0][], new int[0])).isEmpty();
  }
}

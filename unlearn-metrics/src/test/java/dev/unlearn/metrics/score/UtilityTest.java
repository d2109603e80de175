package dev.unlearn.metrics.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.testkit.Tolerance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class UtilityTest {
  private static final Tolerance TOL = Tolerance.of(1e-14, 1e-13);

  @Test
  void accuracyCountsArgmaxWithFirstIndexOnTies() {
    double[][] logits = {{0, 1, 2}, {5, 5, 0}, {1, 0, 0}, {0, 3, 1}};
    int[] labels = {2, 0, 1, 1}; // right, right (tie → index 0), wrong, right
    assertThat(Utility.accuracy(logits, labels)).isEqualTo(0.75);
    assertThat(Utility.accuracy(Nd4j.createFromArray(logits), labels)).isEqualTo(0.75);
  }

  @Test
  void crossEntropyMatchesClosedForms() {
    // {0, 0}: p = 1/2, CE = ln 2. {ln 3, 0}: p_0 = 3/4, CE = −ln(3/4) for label 0, ln 4 for 1.
    double[][] logits = {{0, 0}, {Math.log(3), 0}, {Math.log(3), 0}, {1000, 0}};
    int[] labels = {0, 0, 1, 1};
    double[] expected = {Math.log(2), -Math.log(0.75), Math.log(4), 1000};
    TOL.assertClose(Utility.perExampleCrossEntropy(logits, labels), expected);
    double mean = (expected[0] + expected[1] + expected[2] + expected[3]) / 4;
    TOL.assertClose(Utility.meanCrossEntropy(logits, labels), mean);
    TOL.assertClose(Utility.meanCrossEntropy(Nd4j.createFromArray(logits), labels), mean);
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> Utility.accuracy(new double[][] {{0, Double.NaN}}, new int[] {0}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("row 0, column 1 (NaN)");
    assertThatThrownBy(() -> Utility.accuracy(new double[][] {{0, 1}}, new int[] {2}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("(2) must be in [0, 2)");
    assertThatThrownBy(() -> Utility.meanCrossEntropy(new double[0][], new int[0]))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("rows (0)");
  }
}

package dev.unlearn.metrics.score;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.testkit.Tolerance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class ParameterDistanceTest {
  private static final Tolerance TOL = Tolerance.of(1e-15, 1e-14);

  @Test
  void relativeDistanceOfAHandCase() {
    // a − b = (3, −1), ‖b‖ = 5.
    double[] a = {3, 4};
    double[] b = {0, 5};
    TOL.assertClose(ParameterDistance.relative(a, b), Math.sqrt(10) / 5);
    TOL.assertClose(ParameterDistance.relative(b, b), 0.0);
    TOL.assertClose(ParameterDistance.relative(Nd4j.createFromArray(a), Nd4j.createFromArray(b)),
        Math.sqrt(10) / 5);
    // float32 and matrix-shaped arrays are flattened and read as double.
    TOL.assertClose(ParameterDistance.relative(
        Nd4j.createFromArray(new double[][] {{3, 4}}).castTo(DataType.FLOAT),
        Nd4j.createFromArray(new double[][] {{0, 5}}).castTo(DataType.FLOAT)), Math.sqrt(10) / 5);
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> ParameterDistance.relative(new double[] {1}, new double[] {0}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("norm of b (0.0) must be > 0");
    assertThatThrownBy(() -> ParameterDistance.relative(new double[] {1, 2}, new double[] {1}))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ParameterDistance.relative(new double[] {Double.NaN}, new double[] {1}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("index 0 (NaN, 1.0)");
  }
}

package dev.unlearn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one tolerance rule of the test suite: {@code |a - b| <= atol + rtol * |b|}, element by
 * element, with defaults per data type; plus the relative norm error used against oracles.
 */
public final class Tolerance {
  private final double atol;
  private final double rtol;

  private Tolerance(double atol, double rtol) {
    this.atol = atol;
    this.rtol = rtol;
  }

  public static Tolerance of(double atol, double rtol) {
    return new Tolerance(atol, rtol);
  }

  /** Defaults: float64 atol 1e-12, rtol 1e-9; float32 atol 1e-5, rtol 1e-4. */
  public static Tolerance forType(DataType type) {
    return type == DataType.DOUBLE ? new Tolerance(1e-12, 1e-9) : new Tolerance(1e-5, 1e-4);
  }

  public boolean close(double a, double b) {
    return Math.abs(a - b) <= atol + rtol * Math.abs(b);
  }

  /** Asserts {@code actual} is close to {@code expected} element by element. */
  public void assertClose(double[] actual, double[] expected) {
    assertThat(actual.length).as("length").isEqualTo(expected.length);
    for (int i = 0; i < actual.length; i++) {
      if (!close(actual[i], expected[i])) {
        throw new AssertionError(String.format(Locale.ROOT,
            "element %d: %s vs expected %s (|diff| %s > atol %s + rtol %s * |expected|)", i,
            actual[i], expected[i], Math.abs(actual[i] - expected[i]), atol, rtol));
      }
    }
  }

  public void assertClose(INDArray actual, INDArray expected) {
    assertThat(actual.shape()).as("shape").isEqualTo(expected.shape());
    assertClose(actual.dup('c').data().asDouble(), expected.dup('c').data().asDouble());
  }

  public void assertClose(double actual, double expected) {
    assertClose(new double[] {actual}, new double[] {expected});
  }

  /** {@code ||a - b||_2 / ||b||_2} in double precision. */
  public static double relativeError(INDArray a, INDArray b) {
    double[] x = a.dup('c').data().asDouble();
    double[] y = b.dup('c').data().asDouble();
    return relativeError(x, y);
  }

  public static double relativeError(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("lengths differ: " + x.length + " vs " + y.length);
    }
    double num = 0;
    double den = 0;
    for (int i = 0; i < x.length; i++) {
      num += (x[i] - y[i]) * (x[i] - y[i]);
      den += y[i] * y[i];
    }
    return Math.sqrt(num) / Math.sqrt(den);
  }
}

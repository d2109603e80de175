package dev.unlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The float32 kernels' branch-free tanh against {@link Math#tanh} (fdlibm, within 1 ulp). */
class ActivationTanhFloatTest {

  @Test
  void matchesMathTanhToFloatAccuracyEverywhere() {
    double worst = 0;
    for (double x = -30; x <= 30; x += 1.0 / 1024 + 1e-7) { // off-grid steps, both tails
      double t = Math.tanh(x);
      double err = Math.abs(Activation.tanhFloat(x) - t);
      worst = Math.max(worst, err / Math.abs(t));
      assertThat(err).as("x = %s", x).isLessThanOrEqualTo(3e-7 * Math.abs(t));
    }
    System.out.printf("tanhFloat max rel err %.3e%n", worst);
    for (double tiny : new double[] {1e-300, -1e-20, 1e-8}) { // double subnormals may flush to 0
      assertThat(Activation.tanhFloat(tiny)).isCloseTo(Math.tanh(tiny),
          org.assertj.core.data.Offset.offset(3e-7 * Math.abs(tiny)));
    }
    assertThat(Activation.tanhFloat(0.0)).isEqualTo(0.0);
    assertThat(Activation.tanhFloat(Double.POSITIVE_INFINITY)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(3e-7));
    assertThat(Activation.tanhFloat(Double.NEGATIVE_INFINITY)).isCloseTo(-1.0, org.assertj.core.data.Offset.offset(3e-7));
    assertThat(Activation.tanhFloat(Double.NaN)).isNaN();
  }

  @Test
  void isOdd() {
    for (double x = 0; x < 10; x += 0.013) {
      assertThat(Activation.tanhFloat(-x)).isEqualTo(-Activation.tanhFloat(x));
    }
  }
}

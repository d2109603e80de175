package dev.unlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class MlpTest {

  @Test
  void describesItselfAndChecksArguments() {
    Mlp m = Mlp.of(Activation.TANH, 64, 128, 10);
    assertThat(m.name()).isEqualTo("mlp(64-128-10, tanh)");
    assertThat(m.numParameters()).isEqualTo(64 * 128 + 128 + 128 * 10 + 10);
    assertThat(m.numInputs()).isEqualTo(64);
    assertThat(m.numClasses()).isEqualTo(10);
    assertThat(Mlp.of(Activation.GELU, 4, 3, 2, 2).numParameters()).isEqualTo(12 + 3 + 6 + 2 + 4 + 2);
    assertThat(m.withDataType(DataType.FLOAT).withL2(1e-3)).isEqualTo(m.withL2(1e-3).withDataType(DataType.FLOAT));
    assertThatThrownBy(() -> Mlp.of(Activation.TANH, 64, 10))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("layer sizes ([64, 10]) must have at least 3 entries");
    assertThatThrownBy(() -> Mlp.of(Activation.TANH, 64, 0, 10))
        .isInstanceOf(InvalidInputException.class).hasMessage("layer size 1 (0) must be >= 1");
    assertThatThrownBy(() -> Mlp.of(null, 64, 8, 10))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("activation (null)");
  }

  @Test
  void fastTanhIsWithinAFewUlpOfMathTanh() {
    long seed = 11;
    System.out.println("fastTanh seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    double worst = 0;
    for (int i = 0; i < 200_000; i++) {
      double x = rng.nextDouble(-2, 2) * Math.pow(10, rng.nextInt(-8, 2));
      double e = Math.tanh(x);
      worst = Math.max(worst, Math.abs(Activation.tanh(x) - e) / Math.ulp(e));
    }
    System.out.printf("fast tanh worst error: %.2f ulp%n", worst);
    assertThat(worst).isLessThanOrEqualTo(8);
    assertThat(Activation.tanh(Double.NaN)).isNaN();
    assertThat(Activation.tanh(1e6)).isEqualTo(1.0);
    assertThat(Activation.tanh(Double.NEGATIVE_INFINITY)).isEqualTo(-1.0);
  }

  @Test
  void activationDerivativesMatchFiniteDifferences() {
    double worst = 0;
    for (Activation act : Activation.values()) {
      for (double x = -3.05; x < 3; x += 0.1) {
        double h = 1e-5;
        double d1 = (act.value(x + h) - act.value(x - h)) / (2 * h);
        double d2 = (act.derivative(x + h) - act.derivative(x - h)) / (2 * h);
        worst = Math.max(worst, Math.abs(d1 - act.derivative(x)));
        worst = Math.max(worst, Math.abs(d2 - act.secondDerivative(x)));
        assertThat(act.value(x)).isCloseTo(Problems.referenceActivation(act, x),
            org.assertj.core.api.Assertions.within(1e-15));
      }
    }
    System.out.printf("activation derivatives vs FD worst abs err: %.2e%n", worst);
    assertThat(worst).isLessThanOrEqualTo(1e-8);
  }
}

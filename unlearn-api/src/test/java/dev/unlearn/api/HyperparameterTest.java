package dev.unlearn.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HyperparameterTest {
  static final Hyperparameter<Double> LR =
      Hyperparameter.ofDouble("learning-rate", 0.1, 0, false, 10, true, "step size");
  static final Hyperparameter<Integer> STEPS = Hyperparameter.ofInt("steps", 3, 1, 100, "steps");
  static final Hyperparameter<Boolean> FLAG = Hyperparameter.ofBoolean("newton-term", true, "flag");
  static final Hyperparameter<String> SOLVER =
      Hyperparameter.ofChoice("solver", "cg", List.of("cg", "direct"), "solver");

  @Test
  void acceptsValuesInRangeAndTheirTextForms() {
    assertThat(LR.validate(10.0)).isEqualTo(10.0);
    assertThat(LR.validate("2.5")).isEqualTo(2.5);
    assertThat(LR.validate(3)).isEqualTo(3.0);
    assertThat(STEPS.validate("7")).isEqualTo(7);
    assertThat(STEPS.validate(7.0)).isEqualTo(7);
    assertThat(FLAG.validate("false")).isFalse();
    assertThat(SOLVER.validate("direct")).isEqualTo("direct");
  }

  @Test
  void rejectsValuesOutsideTheConstraintNamingNameValueAndConstraint() {
    assertThatThrownBy(() -> LR.validate(0.0)).isInstanceOf(InvalidInputException.class)
        .hasMessage("learning-rate (0.0) must be in (0, 10]");
    assertThatThrownBy(() -> LR.validate(Double.NaN)).hasMessageContaining("learning-rate (NaN)");
    assertThatThrownBy(() -> LR.validate(Double.POSITIVE_INFINITY))
        .hasMessageContaining("Infinity").hasMessageContaining("finite");
    assertThatThrownBy(() -> LR.validate("fast")).hasMessage("learning-rate (fast) must be a number in (0, 10]");
    assertThatThrownBy(() -> STEPS.validate(2.5)).hasMessage("steps (2.5) must be an integer in [1, 100]");
    assertThatThrownBy(() -> STEPS.validate(101)).hasMessage("steps (101) must be in [1, 100]");
    assertThatThrownBy(() -> FLAG.validate("yes")).hasMessage("newton-term (yes) must be a boolean true or false");
    assertThatThrownBy(() -> SOLVER.validate("lissa")).hasMessage("solver (lissa) must be one of [cg, direct]");
    assertThat(Hyperparameter.positive("damping", 1, "d").constraint()).isEqualTo("> 0");
    assertThat(Hyperparameter.nonNegative("damping", 1, "d").constraint()).isEqualTo(">= 0");
  }

  @Test
  void declarationsAreChecked() {
    assertThatThrownBy(() -> Hyperparameter.ofInt("Bad_Name", 1, 0, 2, "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Bad_Name");
    assertThatThrownBy(() -> Hyperparameter.ofInt("steps", 0, 1, 2, "x"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("steps (0)");
  }

  @Test
  void resolveFillsDefaultsAndRejectsUnknownNamesListingTheValidOnes() {
    List<Hyperparameter<?>> declared = List.of(LR, STEPS, FLAG, SOLVER);
    HyperparameterValues v = HyperparameterValues.resolve(declared, Map.of("steps", "5"));
    assertThat(v.get(STEPS)).isEqualTo(5);
    assertThat(v.get(LR)).isEqualTo(0.1);
    assertThat(v.asMap()).containsOnlyKeys("learning-rate", "steps", "newton-term", "solver");
    assertThatThrownBy(() -> HyperparameterValues.resolve(declared, Map.of("step", 5)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("unknown hyperparameter 'step'; valid: learning-rate, steps, newton-term, solver");
    assertThatThrownBy(() -> HyperparameterValues.resolve(List.of(), Map.of("x", 1)))
        .hasMessage("unknown hyperparameter 'x'; valid: (none)");
  }
}

package dev.unlearn.core.unlearner;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.testkit.Fixture;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Null arguments fail with a message that names the argument (before: a bare
 * NullPointerException, and {@code hyperparameter(name, null)} silently meant the default).
 */
class RequestNullArgumentsTest {
  private final Fixture f = Fixture.logistic();

  private UnlearningRequest.Builder builder() {
    return UnlearningRequest.builder(f.model(), f.theta(), f.train()).forgetRows(f.forget());
  }

  @Test
  void nullArgumentsAreNamed() {
    assertThatThrownBy(() -> UnlearningRequest.builder(null, f.theta(), f.train()))
        .isInstanceOf(InvalidInputException.class).hasMessage("model must not be null");
    assertThatThrownBy(() -> builder().forgetRows((int[]) null))
        .isInstanceOf(InvalidInputException.class).hasMessage("forget rows must not be null");
    assertThatThrownBy(() -> builder().forgetGroups((int[]) null))
        .isInstanceOf(InvalidInputException.class).hasMessage("forget groups must not be null");
    assertThatThrownBy(() -> builder().hyperparameters(null))
        .isInstanceOf(InvalidInputException.class).hasMessage("hyperparameters must not be null");
    assertThatThrownBy(() -> builder().hyperparameter(null, 3))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("hyperparameter name must not be null");
  }

  @Test
  void aNullHyperparameterValueIsRejectedNotTakenAsTheDefault() {
    assertThatThrownBy(() -> builder().hyperparameter("epochs", null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("hyperparameter 'epochs' (null) must have a value");
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("epochs", null);
    assertThatThrownBy(() -> builder().hyperparameters(withNull))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("hyperparameter 'epochs' (null)");
  }
}

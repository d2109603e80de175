package dev.unlearn.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checked hyperparameter values for one unlearner: every declared hyperparameter has a value (the
 * user's or the default). Built by {@link #resolve(List, Map)}, which rejects unknown names (listing
 * the valid ones) and out-of-range values.
 */
public final class HyperparameterValues {
  private final Map<String, Object> values;

  private HyperparameterValues(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /**
   * Checks {@code given} against {@code declared} and fills in defaults.
   *
   * @throws InvalidInputException for a name that is not declared (the message lists the declared
   *     names) or a value outside its constraint
   */
  public static HyperparameterValues resolve(List<Hyperparameter<?>> declared,
      Map<String, ?> given) {
    Map<String, Hyperparameter<?>> byName = new LinkedHashMap<>();
    for (Hyperparameter<?> h : declared) {
      if (byName.put(h.name(), h) != null) {
        throw new IllegalArgumentException("hyperparameter " + h.name() + " declared twice");
      }
    }
    for (String name : new TreeMap<>(given).keySet()) {
      if (!byName.containsKey(name)) {
        throw new InvalidInputException("unknown hyperparameter '" + name + "'; valid: "
            + (byName.isEmpty() ? "(none)" : String.join(", ", byName.keySet())));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Hyperparameter<?> h : declared) {
      Object v = given.get(h.name());
      out.put(h.name(), v == null ? h.defaultValue() : h.validate(v));
    }
    return new HyperparameterValues(out);
  }

  /** The value of a declared hyperparameter. */
  public <T> T get(Hyperparameter<T> h) {
    Object v = values.get(h.name());
    if (v == null) {
      throw new IllegalArgumentException("hyperparameter " + h.name() + " was not declared");
    }
    return h.type().cast(v);
  }

  /** All values by name, in declaration order. */
  public Map<String, Object> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return values.toString();
  }
}

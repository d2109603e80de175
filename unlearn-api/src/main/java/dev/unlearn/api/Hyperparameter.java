package dev.unlearn.api;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One declared hyperparameter of an {@link Unlearner}: a name, a type, a default, the valid values
 * and a line of help. {@link #validate(Object)} turns a user's value (a typed value or its text
 * form, as from a command line) into a checked value of type {@code T}, or throws
 * {@link InvalidInputException} naming the value and the constraint.
 *
 * <pre>{@code
 * static final Hyperparameter<Double> LR =
 *     Hyperparameter.ofDouble("learning-rate", 1e-2, 0, false, 10, true, "step size of the fine-tuning");
 * }</pre>
 *
 * NaN and infinite values are rejected for every numeric hyperparameter.
 *
 * @param <T> Double, Integer, Boolean or String
 */
public final class Hyperparameter<T> {
  private final String name;
  private final Class<T> type;
  private final T defaultValue;
  private final String help;
  // numeric bounds (Double and Integer)
  private final double lower;
  private final boolean lowerInclusive;
  private final double upper;
  private final boolean upperInclusive;
  // choices (String)
  private final List<String> choices;

  private Hyperparameter(String name, Class<T> type, T defaultValue, String help, double lower,
      boolean lowerInclusive, double upper, boolean upperInclusive, List<String> choices) {
    if (name == null || !name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
      throw new IllegalArgumentException("hyperparameter name (" + name + ") must be lower-kebab-case");
    }
    this.name = name;
    this.type = type;
    this.help = Objects.requireNonNull(help, "help");
    this.lower = lower;
    this.lowerInclusive = lowerInclusive;
    this.upper = upper;
    this.upperInclusive = upperInclusive;
    this.choices = choices;
    this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
    validate(defaultValue); // a declaration whose default is out of range is a programming error
  }

  /** A real-valued hyperparameter in the interval between {@code lower} and {@code upper}. */
  public static Hyperparameter<Double> ofDouble(String name, double defaultValue, double lower,
      boolean lowerInclusive, double upper, boolean upperInclusive, String help) {
    return new Hyperparameter<>(name, Double.class, defaultValue, help, lower, lowerInclusive, upper,
        upperInclusive, List.of());
  }

  /** A real-valued hyperparameter that must be {@code > 0} (and finite). */
  public static Hyperparameter<Double> positive(String name, double defaultValue, String help) {
    return ofDouble(name, defaultValue, 0, false, Double.POSITIVE_INFINITY, false, help);
  }

  /** A real-valued hyperparameter that must be {@code >= 0} (and finite). */
  public static Hyperparameter<Double> nonNegative(String name, double defaultValue, String help) {
    return ofDouble(name, defaultValue, 0, true, Double.POSITIVE_INFINITY, false, help);
  }

  /** An integer hyperparameter in {@code [lower, upper]}. */
  public static Hyperparameter<Integer> ofInt(String name, int defaultValue, int lower, int upper,
      String help) {
    return new Hyperparameter<>(name, Integer.class, defaultValue, help, lower, true, upper, true,
        List.of());
  }

  /** A boolean hyperparameter (text forms {@code true} and {@code false}). */
  public static Hyperparameter<Boolean> ofBoolean(String name, boolean defaultValue, String help) {
    return new Hyperparameter<>(name, Boolean.class, defaultValue, help, 0, true, 0, true, List.of());
  }

  /** A hyperparameter that takes one of the listed words. */
  public static Hyperparameter<String> ofChoice(String name, String defaultValue,
      List<String> choices, String help) {
    if (choices.isEmpty()) {
      throw new IllegalArgumentException("choices of " + name + " must not be empty");
    }
    return new Hyperparameter<>(name, String.class, defaultValue, help, 0, true, 0, true,
        List.copyOf(choices));
  }

  public String name() {
    return name;
  }

  public Class<T> type() {
    return type;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String help() {
    return help;
  }

  /** The lower bound of a numeric hyperparameter (negative infinity if unbounded; 0 otherwise). */
  public double lowerBound() {
    return lower;
  }

  /** Whether {@link #lowerBound()} itself is allowed. */
  public boolean lowerInclusive() {
    return lowerInclusive;
  }

  /** The upper bound of a numeric hyperparameter (positive infinity if unbounded; 0 otherwise). */
  public double upperBound() {
    return upper;
  }

  /** Whether {@link #upperBound()} itself is allowed. */
  public boolean upperInclusive() {
    return upperInclusive;
  }

  /** The allowed words for a choice hyperparameter; empty for the others. */
  public List<String> choices() {
    return choices;
  }

  /** The valid values in words, for example {@code "in (0, 10]"} or {@code "one of [cg, lissa]"}. */
  public String constraint() {
    if (type == String.class) {
      return "one of " + choices;
    }
    if (type == Boolean.class) {
      return "true or false";
    }
    String lo = type == Integer.class ? Integer.toString((int) lower) : fmt(lower);
    String hi = type == Integer.class ? Integer.toString((int) upper) : fmt(upper);
    if (upper == Double.POSITIVE_INFINITY) {
      return (lowerInclusive ? ">= " : "> ") + lo;
    }
    return "in " + (lowerInclusive ? "[" : "(") + lo + ", " + hi + (upperInclusive ? "]" : ")");
  }

  /**
   * Checks a value (of type {@code T}, another number for numeric types, or the text form) and
   * returns it as a {@code T}.
   *
   * @throws InvalidInputException naming this hyperparameter, the value and the constraint
   */
  public T validate(Object value) {
    if (value == null) {
      throw new InvalidInputException(name + " (null) must be " + constraint());
    }
    Object v = value instanceof String s ? parse(s.trim()) : value;
    if (type == Double.class) {
      if (!(v instanceof Number n)) {
        throw wrongType(value);
      }
      double d = n.doubleValue();
      if (!Double.isFinite(d) || !inRange(d)) {
        throw new InvalidInputException(name + " (" + value + ") must be " + constraint()
            + (Double.isFinite(d) ? "" : " and finite"));
      }
      return type.cast(d);
    }
    if (type == Integer.class) {
      if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
        throw wrongType(value);
      }
      double d = n.doubleValue();
      if (!inRange(d)) {
        throw new InvalidInputException(name + " (" + value + ") must be " + constraint());
      }
      return type.cast((int) d);
    }
    if (type == Boolean.class) {
      if (!(v instanceof Boolean)) {
        throw wrongType(value);
      }
      return type.cast(v);
    }
    if (!(v instanceof String s) || !choices.contains(s)) {
      throw new InvalidInputException(name + " (" + value + ") must be " + constraint());
    }
    return type.cast(s);
  }

  private Object parse(String s) {
    if (type == Double.class || type == Integer.class) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        throw wrongType(s);
      }
    }
    if (type == Boolean.class) {
      if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(s);
      }
      throw wrongType(s);
    }
    return s;
  }

  private boolean inRange(double d) {
    boolean lowOk = lowerInclusive ? d >= lower : d > lower;
    boolean highOk = upperInclusive ? d <= upper : d < upper;
    return lowOk && highOk;
  }

  private InvalidInputException wrongType(Object value) {
    String kind = type == Integer.class ? "an integer" : type == Double.class ? "a number" : "a boolean";
    return new InvalidInputException(name + " (" + value + ") must be " + kind + " " + constraint());
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s (%s, default %s, %s): %s", name, type.getSimpleName(),
        defaultValue, constraint(), help);
  }
}

package dev.unlearn.api;

/**
 * Bad input: a request, data set, parameter vector or hyperparameter value that breaks a stated
 * constraint. The message names the offending value and the constraint, for example
 * {@code "damping (-1.0) must be > 0"}.
 */
public class InvalidInputException extends UnlearningException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  /** Throws with the formatted message unless {@code condition} holds. */
  public static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new InvalidInputException(String.format(java.util.Locale.ROOT, format, args));
    }
  }
}

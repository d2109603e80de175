package dev.unlearn.api;

/**
 * The root of every exception Unlearn throws on purpose. Unchecked: a caller that wants to react
 * to one failure catches its typed subclass ({@link InvalidInputException},
 * {@link UnknownUnlearnerException}, {@link NonConvergenceException}, ...).
 */
public class UnlearningException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnlearningException(String message) {
    super(message);
  }

  public UnlearningException(String message, Throwable cause) {
    super(message, cause);
  }
}

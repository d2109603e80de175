package dev.unlearn.api;

/**
 * The thread running a method was interrupted ({@link Thread#interrupt()}). The run ends within a
 * fraction of a second, with no result; the thread's interrupt status is set again, so the
 * caller's own code sees it too.
 */
public class UnlearningInterruptedException extends UnlearningException {
  private static final long serialVersionUID = 1L;

  public UnlearningInterruptedException(String message) {
    super(message);
  }
}

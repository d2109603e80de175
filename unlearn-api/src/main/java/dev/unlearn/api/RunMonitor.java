package dev.unlearn.api;

import java.time.Duration;

/**
 * Watches one run: its time budget, its {@link ProgressListener} and the running thread's interrupt
 * status. Iterative code calls {@link #report} once per iteration (an epoch, an L-BFGS iteration)
 * and {@link #check} in inner loops (every minibatch, every matrix-vector product) and stops when
 * either says so; {@link #termination()} then says why.
 *
 * <pre>{@code
 * RunMonitor monitor = RunMonitor.of(request);
 * for (int epoch = 1; epoch <= epochs; epoch++) {
 *   ... one epoch ...
 *   if (monitor.report("epoch", epoch, loss)) {
 *     break;                       // budget spent or listener said stop: keep what we have
 *   }
 * }
 * }</pre>
 *
 * <p>An interrupted thread makes {@link #check} (and so {@link #report}) throw
 * {@link UnlearningInterruptedException} at once, with the interrupt status set again. Once a
 * monitor says stop it keeps saying so. One monitor belongs to one run on one thread.
 */
public final class RunMonitor {
  private final long start = System.nanoTime();
  private final long budgetNanos;
  private final ProgressListener listener;
  private Termination termination = Termination.COMPLETED;

  private RunMonitor(Duration budget, ProgressListener listener) {
    this.budgetNanos = budget == null ? Long.MAX_VALUE : budget.toNanos();
    this.listener = listener;
  }

  /** A monitor with no budget and no listener: it only watches for interrupts. */
  public static RunMonitor unbounded() {
    return new RunMonitor(null, null);
  }

  /**
   * A monitor that starts now.
   *
   * @param budget the wall time the run may take, or null for none; must be positive
   * @param listener receives progress and may stop the run, or null
   */
  public static RunMonitor of(Duration budget, ProgressListener listener) {
    InvalidInputException.check(budget == null || (!budget.isNegative() && !budget.isZero()),
        "budget (%s) must be positive", budget);
    return new RunMonitor(budget, listener);
  }

  /** A monitor with the request's budget and listener, starting now. */
  public static RunMonitor of(UnlearningRequest request) {
    InvalidInputException.check(request != null, "request must not be null");
    return of(request.budget().orElse(null), request.listener().orElse(null));
  }

  /**
   * Reports one iteration to the listener (if any) and says whether the run must stop: the budget
   * is spent, or the listener returned false now or before.
   *
   * @throws UnlearningInterruptedException if the thread was interrupted
   */
  public boolean report(String phase, long iteration, double loss) {
    if (check()) {
      return true;
    }
    if (listener != null && !listener.onProgress(new Progress(phase, iteration, loss, elapsed()))) {
      termination = Termination.STOPPED;
      return true;
    }
    return false;
  }

  /**
   * Says whether the run must stop (budget spent, or stopped before), without reporting. Cheap
   * enough for every minibatch or matrix-vector product.
   *
   * @throws UnlearningInterruptedException if the thread was interrupted
   */
  public boolean check() {
    checkInterrupted();
    if (termination != Termination.COMPLETED) {
      return true;
    }
    if (System.nanoTime() - start >= budgetNanos) {
      termination = Termination.BUDGET_SPENT;
      return true;
    }
    return false;
  }

  /**
   * {@link #check()}, throwing {@link RunStoppedException} when the run must stop: for code deep
   * in a method that has no partial answer to return.
   */
  public void stopIfAsked() {
    if (check()) {
      throw new RunStoppedException(termination);
    }
  }

  /**
   * Throws {@link UnlearningInterruptedException} (with the interrupt status set again) if the
   * current thread was interrupted: for long library code that has no run monitor at hand, such as
   * a blocked factorization between its blocks.
   */
  public static void checkInterrupted() {
    if (Thread.interrupted()) {
      Thread.currentThread().interrupt();
      throw new UnlearningInterruptedException("the thread running the method was interrupted");
    }
  }

  /** {@link Termination#COMPLETED} until the run is told to stop, then why. */
  public Termination termination() {
    return termination;
  }

  /** Time since this monitor was made. */
  public Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}

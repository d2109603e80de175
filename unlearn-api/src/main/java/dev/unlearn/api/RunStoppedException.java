package dev.unlearn.api;

/**
 * Thrown from deep inside a method (a solver, a sketch) when its {@link RunMonitor} says stop and
 * there is no partial answer worth returning. {@code AbstractUnlearner} turns it into a result that
 * keeps &theta; unchanged and carries the {@link #termination()}; callers of the library's
 * unlearners never see it.
 */
public class RunStoppedException extends UnlearningException {
  private static final long serialVersionUID = 1L;
  private final Termination termination;

  public RunStoppedException(Termination termination) {
    super("run stopped: " + termination);
    this.termination = termination;
  }

  /** Why the run stopped: {@link Termination#BUDGET_SPENT} or {@link Termination#STOPPED}. */
  public Termination termination() {
    return termination;
  }
}

package dev.unlearn.api;

/** Why an unlearning (or training) run ended. */
public enum Termination {
  /** The method ran to its end (whether its inner solves converged is {@code converged}). */
  COMPLETED,
  /** The request's time budget was spent; the parameters are the best the method had then. */
  BUDGET_SPENT,
  /** A {@link ProgressListener} asked the run to stop; the parameters are the best it had then. */
  STOPPED
}

package dev.unlearn.api;

/**
 * Receives the progress of an iterative run (after every epoch, L-BFGS iteration or solver
 * iteration) and may stop it. It is called on the thread that runs the method and should return
 * quickly.
 *
 * <pre>{@code
 * UnlearningRequest r = UnlearningRequest.builder(model, theta, train).forgetRows(forget)
 *     .listener(p -> p.iteration() < 50)       // stop after 50 epochs
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface ProgressListener {
  /**
   * Takes one report.
   *
   * @return true to go on; false to stop the run, which then ends with
   *     {@link Termination#STOPPED} and the best parameters it has
   */
  boolean onProgress(Progress progress);
}

package dev.unlearn.api;

/**
 * Receives the progress of an iterative run and may stop it: after every epoch, L-BFGS iteration or
 * Newton step after which the run would go on (not after the last), and before every curvature
 * product of a solver or sketch. Methods without such loops ({@code fisher-removal},
 * {@code fisher-forgetting}, {@code ssd}: a few large matrix operations) report nothing. It is
 * called on the thread that runs the method and should return quickly.
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

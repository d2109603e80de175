package dev.unlearn.api;

import java.util.List;

/**
 * An unlearning strategy: given a trained model and rows to forget, produce parameters that behave
 * as if those rows had never been trained on.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/dev.unlearn.api.Unlearner}. They must be stateless and thread-safe,
 * with a cheap public no-argument constructor; {@link #name()} is lower-kebab-case and unique among
 * the registered unlearners. {@link #unlearn} never mutates its request (not &theta;, not the data)
 * and returns a new parameter vector; the same request and seed give the same result.
 *
 * <pre>{@code
 * Unlearner u = Unlearners.forName("newton");
 * UnlearningResult r = u.unlearn(request);
 * }</pre>
 */
public interface Unlearner {

  /** The unique lower-kebab-case name, for example {@code "gradient-ascent"}. */
  String name();

  /** One line: what the method does and where it comes from. */
  String description();

  /** The hyperparameters this unlearner accepts, each with a default, a valid range and help. */
  List<Hyperparameter<?>> hyperparameters();

  /** Whether this unlearner can handle the model (for example, only convex models). */
  default boolean supports(Model model) {
    return true;
  }

  /**
   * Runs the method.
   *
   * @throws InvalidInputException for unknown or out-of-range hyperparameters, or a model this
   *     unlearner does not support
   */
  UnlearningResult unlearn(UnlearningRequest request);
}

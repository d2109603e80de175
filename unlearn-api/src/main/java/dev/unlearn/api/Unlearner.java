package dev.unlearn.api;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

  /**
   * The model capabilities this unlearner needs with these hyperparameter values (the defaults for
   * those not given). The default: none beyond logits, loss and gradient, which every model offers.
   */
  default Set<Capability> requirements(Map<String, ?> hyperparameters) {
    return EnumSet.noneOf(Capability.class);
  }

  /**
   * Conditions on the model beyond its capabilities (for example: only logistic regression, whose
   * exact Hessian a certificate's bound needs). The default accepts every model.
   */
  default boolean accepts(Model model) {
    return true;
  }

  /**
   * Whether this unlearner can handle the model with its default hyperparameters: the model offers
   * every capability of {@link #requirements} and {@link #accepts} it. Override {@link
   * #requirements} and {@link #accepts} rather than this.
   */
  default boolean supports(Model model) {
    return model.capabilities().containsAll(requirements(Map.of())) && accepts(model);
  }

  /**
   * Why this unlearner cannot run on the model with these hyperparameter values, or empty if it
   * can: the missing capabilities by name, or that {@link #accepts} said no.
   */
  default Optional<String> unsupportedReason(Model model, Map<String, ?> hyperparameters) {
    Set<Capability> missing = EnumSet.noneOf(Capability.class);
    missing.addAll(requirements(hyperparameters));
    missing.removeAll(model.capabilities());
    if (!missing.isEmpty()) {
      return Optional.of(name() + " needs " + missing + ", which " + model.name()
          + " does not offer (it offers " + model.capabilities() + ")");
    }
    if (!accepts(model) || overridesSupports() && !supports(model)) {
      return Optional.of(name() + " does not support " + model.name());
    }
    return Optional.empty();
  }

  /**
   * Whether this class overrides {@link #supports} (a plugin written before {@link #requirements}
   * and {@link #accepts}): its answer is then honoured too.
   */
  private boolean overridesSupports() {
    try {
      return getClass().getMethod("supports", Model.class).getDeclaringClass() != Unlearner.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /**
   * Runs the method.
   *
   * @throws InvalidInputException for unknown or out-of-range hyperparameters, or a model this
   *     unlearner does not support
   */
  UnlearningResult unlearn(UnlearningRequest request);
}

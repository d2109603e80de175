package dev.unlearn.metrics.harness;

import dev.unlearn.metrics.forgetting.ForgettingResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the harness found for one unlearner: its resolved hyperparameters (defaults filled in) and
 * either its scores (status {@link Status#OK}) or why there are none. For a method that is not
 * {@code OK}, {@code forgetting}, {@code scores} and {@code cost} are null and {@code message} says
 * why; for an {@code OK} method {@code message} is empty.
 *
 * @param name the unlearner's name
 * @param hyperparameters every declared hyperparameter's resolved value, typed as declared
 *     (Integer, Double, Boolean, String), in declaration order
 * @param status OK, FAILED (a run threw; the first failure is the message) or UNSUPPORTED
 * @param message the failure, or empty
 * @param forgetting the per-example &epsilon; and points (the competition score)
 * @param scores the deterministic scores
 * @param cost the measured cost
 * @param spread for every score measured run by run (accuracies and their ratios to retrained
 *     model i, losses, KL, JS, MIA AUC, distance, gradient residual, seconds, and
 *     {@code parameterMovement} = &Vert;&theta;<sub>u,i</sub> &minus; &theta;<sub>0</sub>&Vert; /
 *     &Vert;&theta;<sub>0</sub>&Vert;, how far the run moved from the original), its mean, standard
 *     deviation and 95 % interval over the N runs; for {@code forgettingQuality}, over the forget
 *     examples' points (F is one number per method, not per run); empty unless OK
 */
public record MethodReport(String name, Map<String, Object> hyperparameters, Status status,
    String message, ForgettingResult forgetting, MethodScores scores, MethodCost cost,
    Map<String, ScoreSpread> spread) {

  /** Whether the method ran. */
  public enum Status { OK, FAILED, UNSUPPORTED }

  public MethodReport {
    hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    message = message == null ? "" : message;
    spread = spread == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(spread));
  }

  /** A report without spreads (a method that did not run, or a caller that has none). */
  public MethodReport(String name, Map<String, Object> hyperparameters, Status status,
      String message, ForgettingResult forgetting, MethodScores scores, MethodCost cost) {
    this(name, hyperparameters, status, message, forgetting, scores, cost, Map.of());
  }

  /** Whether the scores are present. */
  public boolean ok() {
    return status == Status.OK;
  }
}

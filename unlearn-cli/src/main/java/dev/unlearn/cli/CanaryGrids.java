package dev.unlearn.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The hyperparameter grids of the canary task and the rule that picks one setting per method,
 * without looking at the reported test perplexity or exposure.
 *
 * <p>Every grid point is run once from the original model on the task's forget request and scored
 * on two quantities that the report does not contain: the per-character perplexity of a
 * <em>validation</em> split (held-out entries disjoint from the test entries) and the mean
 * negative log-likelihood per character of the forget documents. The rule: among the points whose
 * validation perplexity is at most 5 % above the retrained model's, take the one whose forget NLL
 * is closest to the retrained model's forget NLL (|NLL_u − NLL_r|, in nats: neither memorised nor
 * pushed past the model that never saw the canaries); if no point keeps the validation perplexity
 * within 5 %, take the one with the lowest validation perplexity (and say so). Failed points (a
 * solver that did not converge) are never chosen; a method whose every point fails falls back to
 * its first point, whose failure the final run then reports. Ties go to the earlier point.
 */
final class CanaryGrids {
  /** The allowed validation perplexity ratio to the retrained model. */
  static final double PERPLEXITY_SLACK = 1.05;

  private CanaryGrids() {}

  /** The retrained model's validation perplexity and forget NLL (nats per character). */
  record Target(double validationPerplexity, double forgetNll) {}

  /** One grid point's validation scores (NaN and a message when the run failed). */
  record Trial(Map<String, Object> hyperparameters, double validationPerplexity, double forgetNll,
      String failure) {}

  /** The chosen point and why. */
  record Selection(Trial trial, String reason) {}

  /** The grid of a method (a single fixed point for methods without a grid, none for retrain). */
  static List<Map<String, Object>> grid(String method) {
    List<Map<String, Object>> g = new ArrayList<>();
    switch (method) {
      case "retrain" -> g.add(Map.of());
      case "finetune" -> {
        for (double lr : new double[] {1e-3, 3e-3}) {
          g.add(hp("epochs", 1, "learning-rate", lr, "batch-size", 256));
        }
        g.add(hp("epochs", 2, "learning-rate", 1e-3, "batch-size", 256));
      }
      case "gradient-ascent" -> {
        for (int epochs : new int[] {1, 2, 4, 8}) {
          for (double lr : new double[] {0.0025, 0.005, 0.01, 0.02}) {
            g.add(hp("epochs", epochs, "learning-rate", lr, "batch-size", 32));
          }
        }
      }
      case "neggrad-plus" -> {
        for (double alpha : new double[] {0.97, 0.99, 0.995}) {
          g.add(hp("alpha", alpha, "epochs", 1, "learning-rate", 1e-3, "batch-size", 256));
        }
      }
      case "newton" -> {
        for (double damping : new double[] {1e-2, 1e-1, 1.0}) {
          g.add(hp("curvature", "ggn", "solver", "cg", "damping", damping, "tolerance", 1e-4,
              "max-iterations", 300));
        }
      }
      case "fisher-removal" -> {
        for (double damping : new double[] {1e-3, 1e-2, 1e-1}) {
          for (double eta : new double[] {0.1, 0.2, 0.5, 1.0, 2.0, 4.0, 8.0}) {
            g.add(hp("step-size", eta, "fisher-damping", damping, "fisher-samples", 256));
          }
        }
      }
      case "fisher-forgetting" -> {
        for (double noise : new double[] {1e-10, 1e-9, 1e-8}) {
          for (double damping : new double[] {1e-3, 1e-2}) {
            for (double eta : new double[] {0.1, 0.2, 0.5, 1.0, 2.0}) {
              g.add(hp("newton-term", true, "step-size", eta, "fisher-damping", damping,
                  "fisher-samples", 256, "noise-variance", noise));
            }
          }
        }
      }
      default -> g.add(Map.of()); // any other registered method: its defaults
    }
    return List.copyOf(g);
  }

  /** The rule of the class comment. */
  static Selection select(List<Trial> trials, Target target) {
    List<Trial> ok = trials.stream().filter(t -> t.failure() == null
        && Double.isFinite(t.validationPerplexity()) && Double.isFinite(t.forgetNll())).toList();
    if (ok.isEmpty()) {
      return new Selection(trials.get(0), "every grid point failed");
    }
    List<Trial> within = ok.stream().filter(t -> t.validationPerplexity()
        <= PERPLEXITY_SLACK * target.validationPerplexity()).toList();
    if (within.isEmpty()) {
      Trial best = ok.stream().min(Comparator.comparingDouble(Trial::validationPerplexity))
          .orElseThrow();
      return new Selection(best, "no point within 5 % validation perplexity: lowest one");
    }
    Trial best = within.stream().min(Comparator.comparingDouble(
        t -> Math.abs(t.forgetNll() - target.forgetNll()))).orElseThrow();
    return new Selection(best, "validation ppl within 5 %, forget NLL closest to retrained");
  }

  /** One line per method: the grid's points and scores, the chosen one marked. */
  static String describe(String method, List<Trial> trials, Selection s, Target target) {
    StringBuilder b = new StringBuilder(method).append(" (").append(s.reason()).append("):");
    for (Trial t : trials) {
      b.append(t == s.trial() ? " [*" : " [");
      b.append(compact(t.hyperparameters()));
      if (t.failure() != null) {
        b.append(": failed");
      } else {
        b.append(String.format(Locale.ROOT, ": val ppl x%.4g, forget NLL %.3g",
            t.validationPerplexity() / target.validationPerplexity(), t.forgetNll()));
      }
      b.append("]");
    }
    return b.toString();
  }

  /** The varying settings of a point as {@code name=value}, comma-separated. */
  static String compact(Map<String, Object> hp) {
    List<String> parts = new ArrayList<>();
    hp.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(", ", parts);
  }

  private static Map<String, Object> hp(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}

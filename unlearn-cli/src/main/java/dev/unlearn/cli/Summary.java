package dev.unlearn.cli;

import dev.unlearn.metrics.harness.EvaluationReport;
import dev.unlearn.metrics.harness.MethodReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table's verdict: the methods on the Pareto front of final score (higher is better), utility
 * (the smaller of the retain- and test-accuracy ratios to the retrained models, higher is better)
 * and cost (the time ratio, lower is better), and the best final score among the methods within the
 * competition's limit of 20 % of the retraining time. Methods with a NaN or infinite criterion take
 * no part.
 *
 * @param paretoFront the methods no other method beats on all three at once (one at least
 *     strictly), by final score, best first
 * @param bestUnderTimeLimit the method with the highest final score among those with time ratio
 *     &le; 0.2, or null when none is that fast
 */
record Summary(List<String> paretoFront, String bestUnderTimeLimit) {

  static Summary of(EvaluationReport r) {
    List<MethodReport> ok = r.methods().stream().filter(MethodReport::ok)
        .filter(m -> java.util.Arrays.stream(criteria(m)).allMatch(Double::isFinite))
        .sorted((a, b) -> Double.compare(b.scores().finalScore(), a.scores().finalScore()))
        .toList();
    List<String> front = new ArrayList<>();
    for (MethodReport m : ok) {
      boolean dominated = false;
      for (MethodReport o : ok) {
        if (o != m && dominates(o, m)) {
          dominated = true;
          break;
        }
      }
      if (!dominated) {
        front.add(m.name());
      }
    }
    String best = ok.stream().filter(m -> m.cost().underTimeLimit()).findFirst()
        .map(MethodReport::name).orElse(null);
    return new Summary(List.copyOf(front), best);
  }

  /** Whether a is at least as good as b on score, utility and cost, and better on one. */
  static boolean dominates(MethodReport a, MethodReport b) {
    double[] x = criteria(a);
    double[] y = criteria(b);
    boolean strict = false;
    for (int i = 0; i < x.length; i++) {
      if (x[i] < y[i]) {
        return false;
      }
      strict |= x[i] > y[i];
    }
    return strict;
  }

  /** Final score, utility, and minus the time ratio: larger is better in each. */
  private static double[] criteria(MethodReport m) {
    return new double[] {m.scores().finalScore(),
        Math.min(m.scores().retainAccuracyRatio(), m.scores().testAccuracyRatio()),
        -m.cost().timeRatio()};
  }

  String markdown() {
    return String.format(Locale.ROOT, "%nPareto front (final score, utility, cost): %s. Best "
        + "final score within 20 %% of the retraining time: %s.%n",
        paretoFront.isEmpty() ? "none" : String.join(", ", paretoFront),
        bestUnderTimeLimit != null ? bestUnderTimeLimit : "no method is that fast");
  }
}

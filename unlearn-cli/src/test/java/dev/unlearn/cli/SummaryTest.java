package dev.unlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.metrics.harness.EvaluationReport;
import dev.unlearn.metrics.harness.MethodCost;
import dev.unlearn.metrics.harness.MethodReport;
import dev.unlearn.metrics.harness.MethodScores;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Pareto front and the best method within the time limit, on hand-made reports. */
class SummaryTest {

  private static MethodReport method(String name, double score, double utility, double timeRatio) {
    MethodScores s = new MethodScores(score, 0, utility, utility + 0.01, score, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    MethodCost c = new MethodCost(1, 1, timeRatio, timeRatio, 1, timeRatio <= 0.2);
    return new MethodReport(name, Map.of(), MethodReport.Status.OK, "", null, s, c);
  }

  private static EvaluationReport report(MethodReport... methods) {
    return new EvaluationReport(null, null, null, 1, 1, 1, List.of(methods), null);
  }

  @Test
  void dominatedMethodsLeaveTheFrontAndTheFastestGoodOneIsNamed() {
    // a beats b on all three; c has the best score but is slow; d ties a exactly (not dominated)
    Summary s = Summary.of(report(method("a", 0.5, 1.0, 0.1), method("b", 0.4, 0.9, 0.15),
        method("c", 0.6, 0.8, 2.0), method("d", 0.5, 1.0, 0.1),
        new MethodReport("broken", Map.of(), MethodReport.Status.FAILED, "x", null, null, null)));
    assertThat(s.paretoFront()).containsExactly("c", "a", "d");
    assertThat(s.bestUnderTimeLimit()).isIn("a", "d");
    assertThat(s.markdown()).contains("Pareto front (final score, utility, cost): c, a, d.");
  }

  @Test
  void noFastMethodSaysSo() {
    Summary s = Summary.of(report(method("slow", 0.9, 1.0, 3.0)));
    assertThat(s.paretoFront()).containsExactly("slow");
    assertThat(s.bestUnderTimeLimit()).isNull();
    assertThat(s.markdown()).contains("no method is that fast");
  }
}

package dev.unlearn.cli;

import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.Unlearner;
import dev.unlearn.core.registry.UnlearnerRegistry;
import dev.unlearn.metrics.forgetting.ForgettingResult;
import dev.unlearn.metrics.harness.EvaluationReport;
import dev.unlearn.metrics.harness.GroupScores;
import dev.unlearn.metrics.harness.MethodCost;
import dev.unlearn.metrics.harness.MethodReport;
import dev.unlearn.metrics.harness.MethodScores;
import dev.unlearn.metrics.harness.ScoreSpread;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code report.json} of one scoreboard table (shape documented in {@code docs/metrics.md}): the
 * harness's {@link EvaluationReport} with each method's hyperparameters typed (numbers, booleans,
 * strings, as the unlearner declares them), the data set's name and the forget rows.
 *
 * @param schema {@code "unlearn-scoreboard-report/1"}
 * @param data the data set: {@code digits} or the CSV file's name
 * @param model the model family's key ({@code logistic}, {@code mlp})
 * @param setup what was evaluated
 * @param original the original model's scores
 * @param reference the retrained models' mean scores
 * @param retrainSeconds mean wall time of one retraining
 * @param retrainCpuSeconds mean CPU time of one retraining (the time ratios' denominator)
 * @param retrainGradientEquivalents one retraining's gradient-equivalents
 * @param methods one entry per unlearner
 * @param summary the Pareto front and the best method within the time limit
 * @param timings the phases' wall times
 * @param forgetRows the forgotten training rows
 */
record ScoreboardReport(String schema, String data, String model, EvaluationReport.Setup setup,
    GroupScores original, GroupScores reference, double retrainSeconds, double retrainCpuSeconds,
    double retrainGradientEquivalents, List<Method> methods, Summary summary,
    EvaluationReport.Timings timings, int[] forgetRows) {

  /** One unlearner's entry: {@link MethodReport} with typed hyperparameters and {@link Flags}. */
  record Method(String name, Map<String, Object> hyperparameters, MethodReport.Status status,
      String message, ForgettingResult forgetting, MethodScores scores, MethodCost cost,
      Map<String, ScoreSpread> spread, List<String> flags) {}

  static ScoreboardReport of(String data, String model, EvaluationReport r,
      UnlearnerRegistry registry, int[] forgetRows, int numClasses) {
    List<Method> methods = r.methods().stream().map(m -> new Method(m.name(),
        typed(m, registry), m.status(), m.message(), m.forgetting(), m.scores(), m.cost(),
        m.spread(), Flags.of(m, r, numClasses)))
        .toList();
    return new ScoreboardReport("unlearn-scoreboard-report/1", data, model, r.setup(),
        r.original(), r.reference(), r.retrainSeconds(), r.retrainCpuSeconds(),
        r.retrainGradientEquivalents(), methods, Summary.of(r), r.timings(), forgetRows.clone());
  }

  /** The harness keeps values as text; the unlearner's declarations give them back their type. */
  private static Map<String, Object> typed(MethodReport m, UnlearnerRegistry registry) {
    Map<String, Object> out = new LinkedHashMap<>(m.hyperparameters());
    if (!registry.contains(m.name())) {
      return out;
    }
    Unlearner u = registry.forName(m.name());
    for (Hyperparameter<?> h : u.hyperparameters()) {
      Object text = out.get(h.name());
      if (text != null) {
        out.put(h.name(), h.validate(text));
      }
    }
    return out;
  }

  Path write(Path dir) {
    return Json.write(this, dir.resolve("report.json"));
  }
}

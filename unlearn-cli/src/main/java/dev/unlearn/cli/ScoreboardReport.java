package dev.unlearn.cli;

import dev.unlearn.metrics.harness.EvaluationReport;
import dev.unlearn.metrics.harness.GroupScores;
import dev.unlearn.metrics.harness.MethodReport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code report.json} of one scoreboard table (shape documented in {@code docs/metrics.md}): the
 * harness's {@link EvaluationReport}, with the data set's name, the verdict ({@link Summary}), the
 * {@link Flags} per method and the forget rows.
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
 * @param methods one entry per unlearner, as the harness reports it
 * @param summary the Pareto front and the best method within the time limit
 * @param flags each method's flags (empty when none)
 * @param timings the phases' wall times
 * @param forgetRows the forgotten training rows
 */
record ScoreboardReport(String schema, String data, String model, EvaluationReport.Setup setup,
    GroupScores original, GroupScores reference, double retrainSeconds, double retrainCpuSeconds,
    double retrainGradientEquivalents, List<MethodReport> methods, Summary summary,
    Map<String, List<String>> flags, EvaluationReport.Timings timings, int[] forgetRows) {

  static ScoreboardReport of(String data, String model, EvaluationReport r, int[] forgetRows,
      int numClasses) {
    Map<String, List<String>> flags = new LinkedHashMap<>();
    for (MethodReport m : r.methods()) {
      flags.put(m.name(), Flags.of(m, r, numClasses));
    }
    return new ScoreboardReport("unlearn-scoreboard-report/1", data, model, r.setup(),
        r.original(), r.reference(), r.retrainSeconds(), r.retrainCpuSeconds(),
        r.retrainGradientEquivalents(), r.methods(), Summary.of(r), flags, r.timings(),
        forgetRows.clone());
  }

  Path write(Path dir) {
    return Output.json(dir.resolve("report.json"), this);
  }
}

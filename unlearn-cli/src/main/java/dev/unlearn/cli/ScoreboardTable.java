package dev.unlearn.cli;

import dev.unlearn.metrics.harness.EvaluationReport;
import dev.unlearn.metrics.harness.GroupScores;
import dev.unlearn.metrics.harness.MethodReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The scoreboard's Markdown: a heading and a few lines of set-up per model family, then one table
 * row per method (sorted by final score, best first; failed and unsupported methods last, with
 * their reason), after rows for the original and the retrained reference. Columns are defined in
 * {@code docs/metrics.md}.
 */
final class ScoreboardTable {
  static final List<String> HEADER = List.of("method", "F", "RA ratio", "TA ratio", "final score",
      "KL forget", "KL test", "MIA AUC gap", "time ratio", "≤ 20 %", "retain acc", "forget acc",
      "test acc", "‖θ−θ_r‖/‖θ_r‖", "‖∇L_r‖", "CPU (s)");

  private ScoreboardTable() {}

  static String markdown(String label, EvaluationReport r) {
    EvaluationReport.Setup s = r.setup();
    EvaluationReport.Timings t = r.timings();
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%n## %s%n%n", label));
    b.append(String.format(Locale.ROOT,
        "n = %d, forget |S| = %d rows, test %d rows; N = %d unlearning runs per method against N = %d"
            + " retrained models (%d distinct%s); seed %d, %d thread%s.%n",
        s.trainRows(), s.forgetRows(), s.testRows(), s.numModels(), s.numModels(),
        s.distinctRetrainedModels(), s.distinctRetrainedModels() == 1
            ? ": the recipe is deterministic, so F only measures the unlearner's own seed variation"
            : "", s.seed(), s.threads(), s.threads() == 1 ? "" : "s"));
    b.append(String.format(Locale.ROOT,
        "Retraining: %.3f s CPU (%.3f s wall) and %.1f gradient-equivalents per model; MIA AUC (forget vs test) of the"
            + " retrained models %.4f. A perfect unlearner scores F < 1 at small N: compare only at"
            + " equal N.%n",
        r.retrainCpuSeconds(), r.retrainSeconds(), r.retrainGradientEquivalents(), r.reference().miaAuc()));
    b.append(cacheLine(r)).append("\n");
    if (s.numModels() == 2) {
      b.append("Note: E = ceil(ln(N - 1)) = 0, so at N = 2 every F is 0; use N >= 3.\n");
    }
    b.append("\n");
    b.append(row(HEADER));
    b.append(row(HEADER.stream().map(h -> h.equals("method") ? "---" : "---:").toList()));
    b.append(groupRow("(original)", r.original(), r.reference(), Double.NaN));
    b.append(groupRow("(retrained, mean of " + r.reference().models() + ")", r.reference(),
        r.reference(), r.retrainCpuSeconds()));
    List<MethodReport> ok = new ArrayList<>(r.methods().stream().filter(MethodReport::ok).toList());
    ok.sort(Comparator.comparingDouble((MethodReport m) -> -m.scores().finalScore()));
    for (MethodReport m : ok) {
      var sc = m.scores();
      var c = m.cost();
      b.append(row(List.of(m.name(), f3(sc.forgettingQuality()), f3(sc.retainAccuracyRatio()),
          f3(sc.testAccuracyRatio()), f3(sc.finalScore()), g3(sc.klForget()), g3(sc.klTest()),
          signed(sc.miaAucGap()), g3(c.timeRatio()), c.underTimeLimit() ? "yes" : "no",
          f4(sc.retainAccuracy()), f4(sc.forgetAccuracy()), f4(sc.testAccuracy()),
          g3(sc.parameterDistance()), g3(sc.gradientResidual()), g3(c.cpuSeconds()))));
    }
    for (MethodReport m : r.methods()) {
      if (!m.ok()) {
        List<String> cells = new ArrayList<>();
        cells.add(m.name());
        cells.add((m.status() == MethodReport.Status.UNSUPPORTED ? "not supported: " : "FAILED: ")
            + cell(m.message()));
        while (cells.size() < HEADER.size()) {
          cells.add("");
        }
        b.append(row(cells));
      }
    }
    return b.toString();
  }

  static String cacheLine(EvaluationReport r) {
    EvaluationReport.Timings t = r.timings();
    String original = t.originalFromCache() ? "original loaded from the cache"
        : String.format(Locale.ROOT, "original trained in %.2f s", t.originalSeconds());
    if (t.retrainedLoaded() == 0) {
      return String.format(Locale.ROOT, "Cache: %s; %d retrained model(s) trained in %.2f s%s.",
          original, t.retrainedTrained(), t.retrainedSeconds(),
          r.setup().cacheDirectory().isEmpty() ? " (cache disabled)"
              : " and cached in " + r.setup().cacheDirectory() + " for the next run");
    }
    int parallel = Math.max(1, Math.min(r.setup().threads(), r.setup().distinctRetrainedModels()));
    // Approximate: the loaded models would have trained `parallel` at a time.
    double wallIfTrained = t.retrainedRecordedSeconds() / parallel;
    return String.format(Locale.ROOT,
        "Cache: %s; %d retrained model(s) loaded and %d trained in %.2f s; training the loaded ones"
            + " took %.1f s of model time, so the cache saved about %.1f s of wall time.",
        original, t.retrainedLoaded(), t.retrainedTrained(), t.retrainedSeconds(),
        t.retrainedRecordedSeconds(), Math.max(0, wallIfTrained - t.retrainedSeconds()));
  }

  private static String groupRow(String name, GroupScores g, GroupScores ref, double seconds) {
    boolean isRef = g == ref;
    return row(List.of(name, "", f3(g.retainAccuracy() / ref.retainAccuracy()),
        f3(g.testAccuracy() / ref.testAccuracy()), "", "", "",
        signed(g.miaAuc() - ref.miaAuc()), isRef ? "1" : "", "", f4(g.retainAccuracy()),
        f4(g.forgetAccuracy()), f4(g.testAccuracy()), isRef ? "0" : "", g3(g.gradientResidual()),
        Double.isNaN(seconds) ? "" : g3(seconds)));
  }

  static String cell(String s) {
    String one = s.replace('\n', ' ').replace('\r', ' ').replace("|", "\\|");
    return one.length() > 120 ? one.substring(0, 117) + "..." : one;
  }

  private static String row(List<String> cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }

  private static String f3(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String f4(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String g3(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3g", v);
  }

  private static String signed(double v) {
    return String.format(Locale.ROOT, "%+.4f", v);
  }
}

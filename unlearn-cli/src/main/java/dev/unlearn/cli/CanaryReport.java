package dev.unlearn.cli;

import dev.unlearn.cli.CanaryScoreboard.MethodRow;
import dev.unlearn.cli.CanaryScoreboard.Outcome;
import dev.unlearn.cli.CanaryScoreboard.RoundRow;
import dev.unlearn.cli.CanaryScoreboard.Scores;
import dev.unlearn.lm.Canary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;

/**
 * The canary task's outputs: a Markdown report (two tables: one deletion of every canary, then the
 * sequential rounds), {@code canary-scores.csv}, {@code canary-rounds.csv} and {@code
 * canary-report.json}. Exposures are in bits ("+" = saturated: no sampled candidate reached the
 * canary), perplexities per character, KL in nats, times in CPU seconds of the unlearning thread.
 */
final class CanaryReport {
  /** A method "matches" retraining when every exposure is within this many bits of the floor. */
  static final double EXPOSURE_SLACK_BITS = 2.0;
  /** ... and its test perplexity within this ratio of the retrained model's. */
  static final double PERPLEXITY_SLACK = 1.05;

  static final List<String> CSV_COLUMNS = List.of("method", "status", "settings", "exposures",
      "saturated", "max_exposure_excess_bits", "test_perplexity", "perplexity_ratio", "kl_test",
      "cpu_seconds", "wall_seconds", "time_ratio", "matches_retrain");
  static final List<String> ROUND_COLUMNS = List.of("method", "round", "canary_exposure",
      "saturated", "test_perplexity", "reference_exposure", "reference_perplexity",
      "perplexity_ratio", "status");

  private CanaryReport() {}

  static String markdown(Outcome o) {
    StringBuilder b = new StringBuilder();
    b.append("\n## Canary case study (Gu et al. 2024 protocol, toy scale)\n\n");
    b.append(o.setup()).append(".\n");
    b.append(String.format(Locale.ROOT,
        "Retrained reference (never saw the canaries): %.2f s CPU (%.2f s wall). Time ratio = "
            + "unlearning CPU / retraining CPU (the harness's rule: the retrain method's own run "
            + "when it is among the methods, otherwise a warm retraining). \"match\" = every "
            + "exposure within %.0f bits of the retrained model's and test perplexity within "
            + "%.0f %% of it.%n%n",
        o.retrainCpu(), o.retrainWall(), EXPOSURE_SLACK_BITS, (PERPLEXITY_SLACK - 1) * 100));
    List<String> head = new ArrayList<>(List.of("method"));
    for (Canary c : o.canaries()) {
      head.add("exposure " + c.repetitions() + "×");
    }
    head.addAll(List.of("max excess (bits)", "test ppl", "ppl ratio", "KL test", "CPU (s)",
        "time ratio", "match"));
    row(b, head);
    List<String> sep = new ArrayList<>();
    for (String h : head) {
      sep.add(h.equals("method") ? "---" : "---:");
    }
    row(b, sep);
    b.append(scoreRow("(original)", o.original(), o.reference(), Double.NaN, Double.NaN));
    b.append(scoreRow("(retrained reference)", o.reference(), o.reference(), o.retrainCpu(), 1.0));
    for (MethodRow m : o.rows()) {
      if (m.failure() != null) {
        List<String> cells = new ArrayList<>(List.of(m.method(), "FAILED: " + m.failure()));
        while (cells.size() < head.size()) {
          cells.add("");
        }
        row(b, cells);
      } else {
        b.append(scoreRow(m.method(), m.scores(), o.reference(), m.cpuSeconds(), m.timeRatio()));
      }
    }
    b.append("\nSettings (chosen on the validation split, see docs/canary.md):\n");
    for (MethodRow m : o.rows()) {
      b.append("- ").append(m.method()).append(": ")
          .append(m.settings().isEmpty() ? "(the recipe)" : CanaryGrids.compact(m.settings()))
          .append(m.selection() == null || m.selection().equals("fixed") ? ""
              : " (" + m.selection() + ")")
          .append("\n");
    }
    for (var e : o.chosen().entrySet()) {
      if (o.rows().stream().noneMatch(r -> r.method().equals(e.getKey()))) {
        b.append("- ").append(e.getKey()).append(" (sequential only): ")
            .append(CanaryGrids.compact(e.getValue())).append("\n");
      }
    }
    if (!o.rounds().isEmpty()) {
      b.append(String.format(Locale.ROOT, "%n### Sequential deletion: %d rounds%n%n",
          o.sequentialCanaries().size()));
      b.append(String.format(Locale.ROOT, "A second original trained once with %d canaries "
          + "(%d copies each); round r forgets canary r's documents from the previous round's "
          + "model. Reference = a model retrained without canaries 1..r. Cells: exposure of "
          + "round r's canary after round r (bits) / test perplexity after round r.%n%n",
          o.sequentialCanaries().size(), o.sequentialCanaries().get(0).repetitions()));
      int rounds = o.sequentialCanaries().size();
      List<String> h = new ArrayList<>(List.of("method"));
      for (int r = 1; r <= rounds; r++) {
        h.add("round " + r);
      }
      row(b, h);
      List<String> s = new ArrayList<>(List.of("---"));
      for (int r = 1; r <= rounds; r++) {
        s.add("---:");
      }
      row(b, s);
      Map<String, List<RoundRow>> by = new LinkedHashMap<>();
      for (RoundRow r : o.rounds()) {
        by.computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r);
      }
      for (var e : by.entrySet()) {
        List<String> cells = new ArrayList<>(List.of(e.getKey().equals("retrain")
            ? "retrain (reference)" : e.getKey()));
        for (RoundRow r : e.getValue()) {
          cells.add(r.failure() != null ? "FAILED" : String.format(Locale.ROOT, "%s / %.3f",
              exposure(r.exposure(), r.saturated()), r.testPerplexity()));
        }
        while (cells.size() < h.size()) { // rounds that did not run (every method had failed)
          cells.add("–");
        }
        row(b, cells);
      }
    }
    if (!o.grids().isEmpty()) {
      b.append("\nGrids (validation perplexity ratio to the retrained model, forget NLL in nats "
          + "per character; * = chosen):\n");
      for (String g : o.grids()) {
        b.append("- ").append(g).append("\n");
      }
    }
    b.append(String.format(Locale.ROOT, "%nCanary task time %.1f s.%n", o.seconds()));
    return b.toString();
  }

  private static String scoreRow(String name, Scores s, Scores ref, double cpu, double ratio) {
    List<String> cells = new ArrayList<>(List.of(name));
    for (int i = 0; i < s.exposure().length; i++) {
      cells.add(exposure(s.exposure()[i], s.saturated()[i]));
    }
    double excess = maxExcess(s, ref);
    double pr = s.testPerplexity() / ref.testPerplexity();
    cells.add(String.format(Locale.ROOT, "%.2f", excess));
    cells.add(String.format(Locale.ROOT, "%.3f", s.testPerplexity()));
    cells.add(String.format(Locale.ROOT, "%.3f", pr));
    cells.add(String.format(Locale.ROOT, "%.3g", s.klTest()));
    cells.add(Double.isNaN(cpu) ? "" : String.format(Locale.ROOT, "%.2f", cpu));
    cells.add(Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.3f", ratio));
    cells.add(matches(s, ref) ? "yes" : "no");
    StringBuilder b = new StringBuilder();
    row(b, cells);
    return b.toString();
  }

  /** The largest exposure above the retrained model's, over the canaries (bits; may be negative). */
  static double maxExcess(Scores s, Scores ref) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < s.exposure().length; i++) {
      m = Math.max(m, s.exposure()[i] - ref.exposure()[i]);
    }
    return m;
  }

  static boolean matches(Scores s, Scores ref) {
    return maxExcess(s, ref) <= EXPOSURE_SLACK_BITS
        && s.testPerplexity() <= PERPLEXITY_SLACK * ref.testPerplexity();
  }

  static String exposure(double e, boolean saturated) {
    return String.format(Locale.ROOT, "%.2f%s", e, saturated ? "+" : "");
  }

  static String scoresCsv(Outcome o) {
    StringBuilder b = new StringBuilder();
    record(b, CSV_COLUMNS);
    csvScores(b, "original", "OK", "", o.original(), o.reference(), Double.NaN, Double.NaN,
        Double.NaN);
    csvScores(b, "retrained-reference", "OK", "", o.reference(), o.reference(), o.retrainCpu(),
        o.retrainWall(), 1.0);
    for (MethodRow m : o.rows()) {
      if (m.failure() != null) {
        List<String> cells = new ArrayList<>(List.of(m.method(), "FAILED",
            CanaryGrids.compact(m.settings())));
        while (cells.size() < CSV_COLUMNS.size()) {
          cells.add("");
        }
        record(b, cells);
      } else {
        csvScores(b, m.method(), "OK", CanaryGrids.compact(m.settings()), m.scores(),
            o.reference(), m.cpuSeconds(), m.wallSeconds(), m.timeRatio());
      }
    }
    return b.toString();
  }

  private static void csvScores(StringBuilder b, String name, String status, String settings,
      Scores s, Scores ref, double cpu, double wall, double ratio) {
    List<String> exp = new ArrayList<>();
    List<String> sat = new ArrayList<>();
    for (int i = 0; i < s.exposure().length; i++) {
      exp.add(num(s.exposure()[i]));
      sat.add(String.valueOf(s.saturated()[i]));
    }
    record(b, List.of(name, status, settings, String.join(";", exp), String.join(";", sat),
        num(maxExcess(s, ref)), num(s.testPerplexity()),
        num(s.testPerplexity() / ref.testPerplexity()), num(s.klTest()), num(cpu), num(wall),
        num(ratio), String.valueOf(matches(s, ref))));
  }

  static String roundsCsv(Outcome o) {
    StringBuilder b = new StringBuilder();
    record(b, ROUND_COLUMNS);
    for (RoundRow r : o.rounds()) {
      record(b, List.of(r.method(), String.valueOf(r.round()), num(r.exposure()),
          String.valueOf(r.saturated()), num(r.testPerplexity()), num(r.referenceExposure()),
          num(r.referencePerplexity()), num(r.testPerplexity() / r.referencePerplexity()),
          r.failure() == null ? "OK" : "FAILED: " + r.failure()));
    }
    return b.toString();
  }

  static String json(Outcome o) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("task", "canary");
    root.put("setup", o.setup());
    List<Object> canaries = new ArrayList<>();
    for (Canary c : o.canaries()) {
      canaries.add(Map.of("text", c.text(), "repetitions", c.repetitions(), "group", c.group()));
    }
    root.put("canaries", canaries);
    root.put("original", scores(o.original()));
    Map<String, Object> ref = scores(o.reference());
    ref.put("cpu_seconds", o.retrainCpu());
    ref.put("wall_seconds", o.retrainWall());
    root.put("retrained_reference", ref);
    List<Object> methods = new ArrayList<>();
    for (MethodRow m : o.rows()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("method", m.method());
      e.put("settings", m.settings());
      e.put("selection", m.selection());
      if (m.failure() != null) {
        e.put("status", "FAILED");
        e.put("failure", m.failure());
      } else {
        e.put("status", "OK");
        e.putAll(scores(m.scores()));
        e.put("max_exposure_excess_bits", maxExcess(m.scores(), o.reference()));
        e.put("perplexity_ratio", m.scores().testPerplexity() / o.reference().testPerplexity());
        e.put("cpu_seconds", m.cpuSeconds());
        e.put("wall_seconds", m.wallSeconds());
        e.put("time_ratio", m.timeRatio());
        e.put("matches_retrain", matches(m.scores(), o.reference()));
      }
      methods.add(e);
    }
    root.put("methods", methods);
    root.put("chosen_settings", o.chosen());
    List<Object> seq = new ArrayList<>();
    for (Canary c : o.sequentialCanaries()) {
      seq.add(Map.of("text", c.text(), "repetitions", c.repetitions(), "group", c.group()));
    }
    root.put("sequential_canaries", seq);
    List<Object> rounds = new ArrayList<>();
    for (RoundRow r : o.rounds()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("method", r.method());
      e.put("round", r.round());
      e.put("canary_exposure", r.exposure());
      e.put("saturated", r.saturated());
      e.put("test_perplexity", r.testPerplexity());
      e.put("reference_exposure", r.referenceExposure());
      e.put("reference_perplexity", r.referencePerplexity());
      e.put("failure", r.failure());
      rounds.add(e);
    }
    root.put("rounds", rounds);
    root.put("grids", o.grids());
    root.put("seconds", o.seconds());
    return Output.json(root);
  }

  private static Map<String, Object> scores(Scores s) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> e = new ArrayList<>();
    List<Object> sat = new ArrayList<>();
    for (int i = 0; i < s.exposure().length; i++) {
      e.add(s.exposure()[i]);
      sat.add(s.saturated()[i]);
    }
    m.put("exposure_bits", e);
    m.put("saturated", sat);
    m.put("test_perplexity", s.testPerplexity());
    m.put("kl_test", s.klTest());
    return m;
  }

  /** Writes the three files into {@code dir}; returns their paths. */
  static List<Path> writeAll(Outcome o, String markdown, Path dir) {
    List<Path> out = new ArrayList<>();
    for (var e : Map.of("canary-report.json", json(o), "canary-scores.csv", scoresCsv(o),
        "canary-rounds.csv", roundsCsv(o), "canary.md", markdown).entrySet()) {
      out.add(Output.text(dir.resolve(e.getKey()), e.getValue()));
    }
    out.sort(null);
    return out;
  }

  private static void row(StringBuilder b, List<String> cells) {
    b.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
  }

  /** One CSV record by Apache Commons CSV (RFC 4180 quoting, LF line ends as before). */
  private static void record(StringBuilder b, List<String> cells) {
    try {
      CSVFormat.RFC4180.builder().setRecordSeparator("\n").get().printRecord(b, cells.toArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder does not throw
    }
  }

}

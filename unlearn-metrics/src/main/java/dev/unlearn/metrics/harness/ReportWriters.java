package dev.unlearn.metrics.harness;

import dev.unlearn.api.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;

/**
 * Writes an {@link EvaluationReport} as JSON (every field of every record, by name) and as CSV (one
 * row per method plus the original and the retrained reference; and the per-example &epsilon;).
 * JSON hand-written (the application writes its own with Jackson); CSV by Apache Commons CSV.
 *
 * <p>JSON: records become objects whose keys are the record components' names; numbers are written
 * with {@link Double#toString} (they read back bit for bit); NaN and infinities, which JSON lacks,
 * become {@code null}; a missing part of a failed method is {@code null}. CSV (RFC 4180): comma
 * separated, a header row, fields with a comma, quote or line break quoted with doubled quotes,
 * NaN written as {@code NaN} and an absent value as an empty field.
 */
public final class ReportWriters {
  /** The columns of {@link #scoresCsv}. */
  public static final List<String> SCORE_COLUMNS = List.of("method", "status",
      "forgetting_quality", "median_epsilon", "retain_accuracy_ratio", "test_accuracy_ratio",
      "final_score", "retain_accuracy", "forget_accuracy", "test_accuracy", "retain_loss",
      "forget_loss", "test_loss", "kl_forget", "kl_test", "js_forget", "js_test", "mia_auc",
      "mia_auc_gap", "attack_forget_membership", "parameter_distance", "gradient_residual",
      "gradient_equivalents", "hessian_vector_products", "converged_fraction", "seconds",
      "cpu_seconds", "time_ratio", "wall_time_ratio", "gradient_equivalent_ratio", "under_time_limit", "message");

  private ReportWriters() {}

  /** The whole report as one JSON object. */
  public static String json(EvaluationReport report) {
    StringBuilder b = new StringBuilder(1 << 14);
    value(b, report, 0);
    return b.append('\n').toString();
  }

  /** One row per method, after the original and the retrained reference (see {@link #SCORE_COLUMNS}). */
  public static String scoresCsv(EvaluationReport r) {
    StringBuilder b = new StringBuilder();
    row(b, SCORE_COLUMNS);
    row(b, groupRow("(original)", r.original()));
    List<String> ref = groupRow("(retrained)", r.reference());
    ref.set(SCORE_COLUMNS.indexOf("gradient_equivalents"), num(r.retrainGradientEquivalents()));
    ref.set(SCORE_COLUMNS.indexOf("seconds"), num(r.retrainSeconds()));
    ref.set(SCORE_COLUMNS.indexOf("cpu_seconds"), num(r.retrainCpuSeconds()));
    ref.set(SCORE_COLUMNS.indexOf("time_ratio"), num(1.0));
    ref.set(SCORE_COLUMNS.indexOf("wall_time_ratio"), num(1.0));
    row(b, ref);
    for (MethodReport m : r.methods()) {
      List<String> c = new ArrayList<>();
      c.add(m.name());
      c.add(m.status().name());
      if (m.ok()) {
        MethodScores s = m.scores();
        MethodCost t = m.cost();
        for (double v : new double[] {s.forgettingQuality(), s.medianEpsilon(),
            s.retainAccuracyRatio(), s.testAccuracyRatio(), s.finalScore(), s.retainAccuracy(),
            s.forgetAccuracy(), s.testAccuracy(), s.retainLoss(), s.forgetLoss(), s.testLoss(),
            s.klForget(), s.klTest(), s.jsForget(), s.jsTest(), s.miaAuc(), s.miaAucGap(),
            s.attackForgetMembership(), s.parameterDistance(), s.gradientResidual(),
            s.gradientEquivalents(), s.hessianVectorProducts(), s.convergedFraction(), t.seconds(),
            t.cpuSeconds(), t.timeRatio(), t.wallTimeRatio(), t.gradientEquivalentRatio()}) {
          c.add(num(v));
        }
        c.add(Boolean.toString(t.underTimeLimit()));
      } else {
        while (c.size() < SCORE_COLUMNS.size() - 1) {
          c.add("");
        }
      }
      c.add(m.message());
      row(b, c);
    }
    return b.toString();
  }

  /** The per-example &epsilon; and points: columns method, example, training row, epsilon, points. */
  public static String epsilonsCsv(EvaluationReport r, int[] forgetRows) {
    InvalidInputException.check(forgetRows.length == r.setup().forgetRows(),
        "forgetRows (%d) must have one entry per forget example (%d)", forgetRows.length,
        r.setup().forgetRows());
    StringBuilder b = new StringBuilder();
    row(b, List.of("method", "example", "row", "epsilon", "points"));
    for (MethodReport m : r.methods()) {
      if (!m.ok() || m.forgetting() == null) { // no F computed: forgettingQuality(false)
        continue;
      }
      double[] eps = m.forgetting().epsilons();
      double[] pts = m.forgetting().points();
      for (int s = 0; s < eps.length; s++) {
        row(b, List.of(m.name(), Integer.toString(s), Integer.toString(forgetRows[s]), num(eps[s]),
            num(pts[s])));
      }
    }
    return b.toString();
  }

  /**
   * Writes {@code report.json}, {@code scores.csv} and {@code epsilons.csv} into a directory
   * (created if needed); returns the files written.
   */
  public static List<Path> writeAll(EvaluationReport r, int[] forgetRows, Path directory) {
    try {
      Files.createDirectories(directory);
      List<Path> out = new ArrayList<>();
      out.add(Files.writeString(directory.resolve("report.json"), json(r), StandardCharsets.UTF_8));
      out.add(Files.writeString(directory.resolve("scores.csv"), scoresCsv(r), StandardCharsets.UTF_8));
      out.add(Files.writeString(directory.resolve("epsilons.csv"), epsilonsCsv(r, forgetRows),
          StandardCharsets.UTF_8));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the report into " + directory, e);
    }
  }

  private static List<String> groupRow(String name, GroupScores g) {
    List<String> c = new ArrayList<>();
    for (int i = 0; i < SCORE_COLUMNS.size(); i++) {
      c.add("");
    }
    c.set(0, name);
    c.set(1, "REFERENCE");
    c.set(SCORE_COLUMNS.indexOf("retain_accuracy"), num(g.retainAccuracy()));
    c.set(SCORE_COLUMNS.indexOf("forget_accuracy"), num(g.forgetAccuracy()));
    c.set(SCORE_COLUMNS.indexOf("test_accuracy"), num(g.testAccuracy()));
    c.set(SCORE_COLUMNS.indexOf("retain_loss"), num(g.retainLoss()));
    c.set(SCORE_COLUMNS.indexOf("forget_loss"), num(g.forgetLoss()));
    c.set(SCORE_COLUMNS.indexOf("test_loss"), num(g.testLoss()));
    c.set(SCORE_COLUMNS.indexOf("mia_auc"), num(g.miaAuc()));
    c.set(SCORE_COLUMNS.indexOf("attack_forget_membership"), num(g.attackForgetMembership()));
    c.set(SCORE_COLUMNS.indexOf("gradient_residual"), num(g.gradientResidual()));
    return c;
  }

  private static String num(double v) {
    return Double.toString(v);
  }

  /** One CSV record by Apache Commons CSV (RFC 4180: quotes only where needed, CRLF). */
  private static void row(StringBuilder b, List<String> cells) {
    try {
      CSVFormat.RFC4180.printRecord(b, cells.toArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder does not throw
    }
  }

  private static void value(StringBuilder b, Object v, int depth) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      b.append(Double.isFinite(d) ? Double.toString(d) : "null");
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof String || v instanceof Enum<?>) {
      string(b, v.toString());
    } else if (v instanceof double[] a) {
      b.append('[');
      for (int i = 0; i < a.length; i++) {
        b.append(i > 0 ? "," : "");
        value(b, a[i], depth + 1);
      }
      b.append(']');
    } else if (v instanceof Collection<?> c) {
      b.append('[');
      boolean first = true;
      for (Object o : c) {
        b.append(first ? "\n" : ",\n");
        indent(b, depth + 1);
        value(b, o, depth + 1);
        first = false;
      }
      if (!first) {
        b.append('\n');
        indent(b, depth);
      }
      b.append(']');
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        b.append(first ? "" : ", ");
        string(b, String.valueOf(e.getKey()));
        b.append(": ");
        value(b, e.getValue(), depth + 1);
        first = false;
      }
      b.append('}');
    } else if (v instanceof Record r) {
      b.append("{\n");
      RecordComponent[] comps = r.getClass().getRecordComponents();
      for (int i = 0; i < comps.length; i++) {
        indent(b, depth + 1);
        string(b, comps[i].getName());
        b.append(": ");
        try {
          value(b, comps[i].getAccessor().invoke(r), depth + 1);
        } catch (IllegalAccessException | InvocationTargetException e) {
          throw new IllegalStateException("cannot read " + comps[i], e);
        }
        b.append(i + 1 < comps.length ? ",\n" : "\n");
      }
      indent(b, depth);
      b.append('}');
    } else {
      string(b, v.toString());
    }
  }

  private static void indent(StringBuilder b, int depth) {
    b.append("  ".repeat(depth));
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}

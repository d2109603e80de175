package dev.unlearn.metrics.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws an {@link EvaluationReport} as standalone SVG 1.1 documents (hand-written, no dependency):
 * the per-example &epsilon; histogram of every method (one panel each, bins of width 0.5 from 0 to E =
 * ceil(ln(N &minus; 1)), the buckets of the competition's points, and one bin for &epsilon; &ge; E,
 * which scores 0), and the final score against the time ratio (log scale, the competition's 20 %
 * limit drawn as a dashed line). Methods without scores are left out; a report with none gives an
 * empty chart with a note. Text is XML-escaped.
 */
public final class SvgCharts {
  private static final int PANEL_W = 240;
  private static final int PANEL_H = 150;
  private static final int COLUMNS = 3;

  private SvgCharts() {}

  /** The &epsilon; histograms, one panel per method. */
  public static String epsilonHistograms(EvaluationReport r) {
    List<MethodReport> ok = okMethods(r).stream().filter(m -> m.forgetting() != null).toList();
    int rows = Math.max(1, (ok.size() + COLUMNS - 1) / COLUMNS);
    int width = COLUMNS * PANEL_W + 20;
    int height = rows * PANEL_H + 50;
    StringBuilder b = header(width, height);
    text(b, 10, 20, 14, "start", "Per-example epsilon, " + r.setup().model() + ", N = "
        + r.setup().numModels() + ", |S| = " + r.setup().forgetRows());
    if (ok.isEmpty()) {
      text(b, 10, 45, 12, "start", "(no method produced scores)");
    }
    for (int k = 0; k < ok.size(); k++) {
      MethodReport m = ok.get(k);
      int x0 = 10 + (k % COLUMNS) * PANEL_W;
      int y0 = 35 + (k / COLUMNS) * PANEL_H;
      int e = m.forgetting().maxEpsilon();
      int bins = 2 * e + 1; // [0, 0.5), ..., [E - 0.5, E), [E, 50]
      double[] count = new double[bins];
      double[] eps = m.forgetting().epsilons();
      for (double v : eps) {
        int bin = v >= e ? bins - 1 : (int) Math.floor(2 * v);
        count[Math.min(bin, bins - 1)]++;
      }
      int plotX = x0 + 30;
      int plotY = y0 + 20;
      int plotW = PANEL_W - 45;
      int plotH = PANEL_H - 55;
      text(b, x0 + 5, y0 + 12, 11, "start", String.format(Locale.ROOT, "%s  (F = %.3f)",
          m.name(), m.scores().forgettingQuality()));
      rect(b, plotX, plotY, plotW, plotH, "none", "#999");
      double bw = plotW / (double) bins;
      for (int i = 0; i < bins; i++) {
        double frac = count[i] / eps.length;
        double h = frac * plotH;
        rect(b, plotX + i * bw + 0.5, plotY + plotH - h, Math.max(0.5, bw - 1), h,
            i == bins - 1 ? "#c0392b" : "#2e86c1", "none");
      }
      text(b, plotX - 3, plotY + 4, 9, "end", "1");
      text(b, plotX - 3, plotY + plotH, 9, "end", "0");
      text(b, plotX, plotY + plotH + 12, 9, "start", "0");
      text(b, plotX + plotW - bw, plotY + plotH + 12, 9, "middle", "\u2265" + e);
      text(b, plotX + plotW / 2.0, plotY + plotH + 24, 9, "middle",
          "epsilon (bins of 0.5); bar = fraction of examples");
    }
    return b.append("</svg>\n").toString();
  }

  /** Vertical distance between two method labels of the scatter charts. */
  static final double LABEL_SPACING = 13;
  // the scatter charts' frame: the SVG's size, then the plot's left, top, width and height
  private static final int WIDTH = 800;
  private static final int HEIGHT = 420;
  private static final int PX = 70;
  private static final int PY = 40;
  private static final int PW = 520;
  private static final int PH = 320;

  /**
   * The final score against the time ratio (log scale), one point per method. The labels stand in
   * a column right of the plot, in the order of their points' heights, at least
   * {@link #LABEL_SPACING} apart, each joined to its point by a thin line: they never overlap,
   * however close the points are.
   */
  public static String scoreVersusTime(EvaluationReport r) {
    List<MethodReport> ok = okMethods(r);
    StringBuilder b = header(WIDTH, HEIGHT);
    text(b, 10, 20, 14, "start", "Final score vs time / retraining time, " + r.setup().model()
        + ", N = " + r.setup().numModels());
    double lo = 1e-3;
    double hi = 10;
    double top = 1;
    for (MethodReport m : ok) {
      double t = m.cost().timeRatio();
      if (t > 0 && Double.isFinite(t)) {
        lo = Math.min(lo, t);
        hi = Math.max(hi, t);
      }
      if (Double.isFinite(m.scores().finalScore())) {
        top = Math.max(top, m.scores().finalScore());
      }
    }
    double l0 = Math.floor(Math.log10(lo));
    double l1 = Math.ceil(Math.log10(hi));
    rect(b, PX, PY, PW, PH, "none", "#999");
    for (double d = l0; d <= l1; d++) {
      double x = PX + (d - l0) / (l1 - l0) * PW;
      line(b, x, PY + PH, x, PY + PH + 4, "#999", false);
      text(b, x, PY + PH + 16, 10, "middle", d >= 0 ? String.format(Locale.ROOT, "%.0f", Math.pow(10, d))
          : String.format(Locale.ROOT, "%." + (int) -d + "f", Math.pow(10, d)));
    }
    for (int i = 0; i <= 4; i++) {
      double v = top * i / 4;
      double y = PY + PH - v / top * PH;
      line(b, PX - 4, y, PX, y, "#999", false);
      text(b, PX - 6, y + 3, 10, "end", String.format(Locale.ROOT, "%.2f", v));
    }
    double limit = PX + (Math.log10(MethodCost.TIME_LIMIT_RATIO) - l0) / (l1 - l0) * PW;
    line(b, limit, PY, limit, PY + PH, "#c0392b", true);
    text(b, limit + 4, PY + 12, 10, "start", "20 % of retraining");
    text(b, PX + PW / 2.0, PY + PH + 34, 11, "middle", "unlearning time / retraining time (log scale)");
    text(b, 16, PY + PH / 2.0, 11, "middle", "final score", -90);
    if (ok.isEmpty()) {
      text(b, PX + 10, PY + 20, 12, "start", "(no method produced scores)");
    }
    List<double[]> points = new java.util.ArrayList<>(); // x, y, index into ok
    for (int i = 0; i < ok.size(); i++) {
      MethodReport m = ok.get(i);
      double t = m.cost().timeRatio();
      if (!(t > 0) || !Double.isFinite(t)) {
        continue;
      }
      double x = PX + (Math.log10(t) - l0) / (l1 - l0) * PW;
      double y = PY + PH - m.scores().finalScore() / top * PH;
      points.add(new double[] {x, y, i});
      b.append(String.format(Locale.ROOT,
          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#2e86c1\"/>%n", x, y));
    }
    labelColumn(b, points, ok, PX + PW + 30, PY, HEIGHT - 10);
    return b.append("</svg>\n").toString();
  }

  /**
   * Method labels in a column at x = {@code lx}: sorted by their points' heights, at least
   * {@link #LABEL_SPACING} apart, shifted up into the frame, each joined to its point.
   *
   * @param points x, y and the index into {@code methods} of each point
   */
  private static void labelColumn(StringBuilder b, List<double[]> points,
      List<MethodReport> methods, double lx, double top, double bottom) {
    List<double[]> sorted = new ArrayList<>(points);
    sorted.sort(java.util.Comparator.comparingDouble((double[] q) -> q[1])
        .thenComparingDouble(q -> q[0]));
    double[] ly = new double[sorted.size()];
    for (int k = 0; k < ly.length; k++) {
      ly[k] = Math.max(sorted.get(k)[1], k == 0 ? top : ly[k - 1] + LABEL_SPACING);
    }
    double overflow = ly.length == 0 ? 0 : ly[ly.length - 1] - bottom;
    for (int k = 0; k < ly.length && overflow > 0; k++) {
      ly[k] -= overflow;
    }
    for (int k = 0; k < ly.length; k++) {
      double[] q = sorted.get(k);
      line(b, q[0], q[1], lx - 4, ly[k], "#bbb", false);
      text(b, lx, ly[k] + 3.5, 10, "start", methods.get((int) q[2]).name());
    }
  }

  /**
   * Forgetting against utility: F (y) against the test-accuracy ratio to the retrained models (x),
   * each with its 95 % interval as error bars ({@link MethodReport#spread()}: over the runs for the
   * ratio, over the forget examples for F). The ideal is the top of the line x = 1.
   */
  public static String forgettingVersusUtility(EvaluationReport r) {
    List<MethodReport> ok = okMethods(r).stream()
        .filter(m -> Double.isFinite(m.scores().testAccuracyRatio())
            && Double.isFinite(m.scores().forgettingQuality()))
        .toList();
    StringBuilder b = header(WIDTH, HEIGHT);
    text(b, 10, 20, 14, "start", "Forgetting F vs utility (test accuracy / retrained), "
        + r.setup().model() + ", N = " + r.setup().numModels() + "; bars: 95 % intervals");
    double lo = 1;
    double hi = 1;
    for (MethodReport m : ok) {
      ScoreSpread ta = m.spread().get("testAccuracyRatio");
      double a = ta != null && Double.isFinite(ta.low()) ? ta.low() : m.scores().testAccuracyRatio();
      double z = ta != null && Double.isFinite(ta.high()) ? ta.high() : m.scores().testAccuracyRatio();
      if (!Double.isFinite(a) || !Double.isFinite(z)) {
        continue;
      }
      lo = Math.min(lo, a);
      hi = Math.max(hi, z);
    }
    double pad = Math.max(0.01, (hi - lo) * 0.08);
    lo -= pad;
    hi += pad;
    final double x0 = lo;
    final double x1 = hi;
    java.util.function.DoubleUnaryOperator sx = v -> PX + (v - x0) / (x1 - x0) * PW;
    java.util.function.DoubleUnaryOperator sy = v -> PY + PH - Math.max(0, Math.min(1, v)) * PH;
    rect(b, PX, PY, PW, PH, "none", "#999");
    for (int i = 0; i <= 4; i++) {
      double v = lo + (hi - lo) * i / 4;
      double x = sx.applyAsDouble(v);
      line(b, x, PY + PH, x, PY + PH + 4, "#999", false);
      text(b, x, PY + PH + 16, 10, "middle", String.format(Locale.ROOT, "%.3f", v));
      double f = i / 4.0;
      double y = sy.applyAsDouble(f);
      line(b, PX - 4, y, PX, y, "#999", false);
      text(b, PX - 6, y + 3, 10, "end", String.format(Locale.ROOT, "%.2f", f));
    }
    double one = sx.applyAsDouble(1.0);
    line(b, one, PY, one, PY + PH, "#27ae60", true);
    text(b, one + 4, PY + 12, 10, "start", "utility of retraining");
    text(b, PX + PW / 2.0, PY + PH + 34, 11, "middle",
        "test accuracy / retrained models' test accuracy");
    text(b, 16, PY + PH / 2.0, 11, "middle", "forgetting quality F", -90);
    if (ok.isEmpty()) {
      text(b, PX + 10, PY + 20, 12, "start", "(no method produced scores)");
    }
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < ok.size(); i++) {
      MethodReport m = ok.get(i);
      double x = sx.applyAsDouble(m.scores().testAccuracyRatio());
      double y = sy.applyAsDouble(m.scores().forgettingQuality());
      ScoreSpread ta = m.spread().get("testAccuracyRatio");
      ScoreSpread f = m.spread().get("forgettingQuality");
      if (ta != null && Double.isFinite(ta.low())) {
        line(b, sx.applyAsDouble(ta.low()), y, sx.applyAsDouble(ta.high()), y, "#2e86c1", false);
      }
      if (f != null && Double.isFinite(f.low())) {
        line(b, x, sy.applyAsDouble(f.low()), x, sy.applyAsDouble(f.high()), "#2e86c1", false);
      }
      b.append(String.format(Locale.ROOT,
          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#2e86c1\"/>%n", x, y));
      points.add(new double[] {x, y, i});
    }
    labelColumn(b, points, ok, PX + PW + 30, PY, HEIGHT - 10);
    return b.append("</svg>\n").toString();
  }

  /**
   * Writes {@code epsilon-histograms.svg}, {@code score-vs-time.svg} and
   * {@code forgetting-vs-utility.svg}; returns the files.
   */
  public static List<Path> writeAll(EvaluationReport r, Path directory) {
    try {
      Files.createDirectories(directory);
      List<Path> out = new ArrayList<>();
      out.add(Files.writeString(directory.resolve("epsilon-histograms.svg"), epsilonHistograms(r),
          StandardCharsets.UTF_8));
      out.add(Files.writeString(directory.resolve("score-vs-time.svg"), scoreVersusTime(r),
          StandardCharsets.UTF_8));
      out.add(Files.writeString(directory.resolve("forgetting-vs-utility.svg"),
          forgettingVersusUtility(r), StandardCharsets.UTF_8));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the charts into " + directory, e);
    }
  }

  private static List<MethodReport> okMethods(EvaluationReport r) {
    return r.methods().stream().filter(MethodReport::ok).toList();
  }

  private static StringBuilder header(int w, int h) {
    return new StringBuilder(4096).append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append(String.format(Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n", w, h, w, h))
        .append(String.format(Locale.ROOT,
            "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>%n", w, h));
  }

  private static void rect(StringBuilder b, double x, double y, double w, double h, String fill,
      String stroke) {
    b.append(String.format(Locale.ROOT,
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" stroke=\"%s\"/>%n",
        x, y, w, h, fill, stroke));
  }

  private static void line(StringBuilder b, double x1, double y1, double x2, double y2,
      String stroke, boolean dashed) {
    b.append(String.format(Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>%n", x1, y1, x2, y2,
        stroke, dashed ? " stroke-dasharray=\"4 3\"" : ""));
  }

  private static void text(StringBuilder b, double x, double y, int size, String anchor,
      String s) {
    text(b, x, y, size, anchor, s, 0);
  }

  private static void text(StringBuilder b, double x, double y, int size, String anchor, String s,
      int rotate) {
    b.append(String.format(Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\"%s>%s</text>%n", x, y, size,
        anchor, rotate == 0 ? "" : String.format(Locale.ROOT,
            " transform=\"rotate(%d %.1f %.1f)\"", rotate, x, y), escape(s)));
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}

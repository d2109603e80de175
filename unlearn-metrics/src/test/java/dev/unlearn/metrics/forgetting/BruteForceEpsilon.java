package dev.unlearn.metrics.forgetting;

import java.util.Arrays;

/**
 * A direct, slow reference for &epsilon;<sub>s</sub> (docs/metrics.md, "The competition score F" steps 2 to 5): every rule of
 * both families is evaluated by counting all 2N values against it, and its &epsilon; is computed
 * from the formula; O(rules · N). Written independently of {@link EpsilonKernel}: no sorting, no
 * binary search, no table.
 */
final class BruteForceEpsilon {
  private static final double DELTA = 1e-5;

  private BruteForceEpsilon() {}

  static double epsilon(double[] u, double[] r) {
    int n = u.length;
    boolean retrainPositive = median(r) > median(u);
    double[] pos = retrainPositive ? r : u;
    double[] neg = retrainPositive ? u : r;
    double posRange = max(pos) - min(pos);
    double negRange = max(neg) - min(neg);
    if (Math.min(posRange, negRange) / Math.max(posRange, negRange) < 0.01) {
      return 50;
    }
    double best = Double.NaN; // NaN = no surviving rule yet
    // (a) single thresholds.
    double lo = Math.min(min(pos), min(neg));
    double hi = Math.max(max(pos), max(neg));
    int k = (int) Math.ceil((hi - lo) * 100);
    for (int i = 0; i < k; i++) {
      double t = linspace(lo, hi, k, i);
      int fn = 0;
      int fp = 0;
      for (int m = 0; m < n; m++) {
        if (!(pos[m] >= t)) {
          fn++;
        }
        if (neg[m] >= t) {
          fp++;
        }
      }
      best = combine(best, rule(fp, fn, n));
    }
    // (b) intervals around the peakier side.
    double[] peak = posRange < negRange ? pos : neg;
    double[] other = posRange < negRange ? neg : pos;
    double w = max(peak) - min(peak);
    for (int i = 0; i < 400; i++) {
      double right = linspace(max(peak) - 2, max(peak) + 2, 400, i);
      for (int j = 0; j < 400; j++) {
        double left = linspace(right - w - 2, right - w + 2, 400, j);
        int fn = 0;
        int fp = 0;
        for (int m = 0; m < n; m++) {
          boolean peakIn = left <= peak[m] && peak[m] <= right;
          boolean otherIn = left <= other[m] && other[m] <= right;
          if (!peakIn) {
            fn++;
          }
          if (otherIn) {
            fp++;
          }
        }
        best = combine(best, rule(fp, fn, n));
      }
    }
    if (Double.isNaN(best)) {
      return 0;
    }
    return Math.min(50, Math.max(0, best));
  }

  private static double combine(double best, double e) {
    if (Double.isNaN(e)) {
      return best;
    }
    return Double.isNaN(best) ? e : Math.max(best, e);
  }

  /** The rule's ε, NaN if discarded. */
  static double rule(int fp, int fn, int n) {
    double fpr = (double) fp / n;
    double fnr = (double) fn / n;
    if (fpr == 0 && fnr == 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (fpr == 0 || fnr == 0) {
      return Double.NaN;
    }
    double a = 1 - DELTA - fpr;
    double b = 1 - DELTA - fnr;
    double t1 = a > 0 ? StrictMath.log(a) - StrictMath.log(fnr) : Double.NaN;
    double t2 = b > 0 ? StrictMath.log(b) - StrictMath.log(fpr) : Double.NaN;
    if (Double.isNaN(t1) && Double.isNaN(t2)) {
      return Double.NaN;
    }
    double m = Double.isNaN(t1) ? t2 : Double.isNaN(t2) ? t1 : Math.max(t1, t2);
    return Math.max(0, m);
  }

  /** numpy.linspace(a, b, count)[i]. */
  static double linspace(double a, double b, int count, int i) {
    if (count > 1 && i == count - 1) {
      return b;
    }
    double step = count > 1 ? (b - a) / (count - 1) : 0;
    return i * step + a;
  }

  static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    int m = s.length;
    return m % 2 == 1 ? s[m / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
  }

  private static double min(double[] x) {
    return Arrays.stream(x).min().getAsDouble();
  }

  private static double max(double[] x) {
    return Arrays.stream(x).max().getAsDouble();
  }
}

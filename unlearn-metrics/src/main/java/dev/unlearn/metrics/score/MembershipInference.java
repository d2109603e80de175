package dev.unlearn.metrics.score;

import dev.unlearn.api.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Membership-inference attacks on per-example losses (docs/metrics.md, "Other scores"), which predict
 * "member" for a low loss.
 *
 * <ul>
 *   <li>{@link #lossThresholdAuc}: the AUC of the loss-threshold attack separating forget-set
 *       losses (positives) from test-set losses (negatives), by the Mann&ndash;Whitney statistic:
 *       {@code AUC = (#{(f, t): f < t} + ½ #{(f, t): f = t}) / (|F|·|T|)}, computed from mid-ranks in
 *       O((|F| + |T|) log(|F| + |T|)). 0.5 = no signal; compare it with the retrained model's AUC.
 *   <li>{@link #logisticAttack}: the attack of the competition starting kit's style: a 1-D
 *       logistic regression on the standardised loss, trained on retain losses (members, label 1)
 *       against test losses (non-members, label 0), then applied to the forget set.
 * </ul>
 *
 * <p>Losses must be finite (NaN or infinity fails with {@link InvalidInputException} naming the set
 * and index); every set must be non-empty.
 */
public final class MembershipInference {
  /** The inverse regularisation C of the logistic attack (scikit-learn's default, 1). */
  public static final double C = 1.0;
  /** The maximum number of Newton iterations of the logistic attack. */
  public static final int MAX_NEWTON_ITERATIONS = 50;

  private MembershipInference() {}

  /**
   * The AUC of "member iff loss &lt; threshold" over all thresholds, forget losses as members and
   * test losses as non-members; ties between the two sets count ½.
   */
  public static double lossThresholdAuc(double[] forgetLosses, double[] testLosses) {
    check("forgetLosses", forgetLosses);
    check("testLosses", testLosses);
    int nf = forgetLosses.length;
    int nt = testLosses.length;
    int total = nf + nt;
    double[] values = new double[total];
    boolean[] isTest = new boolean[total];
    Integer[] order = new Integer[total];
    for (int i = 0; i < total; i++) {
      order[i] = i;
    }
    System.arraycopy(forgetLosses, 0, values, 0, nf);
    System.arraycopy(testLosses, 0, values, nf, nt);
    Arrays.fill(isTest, nf, total, true);
    Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
    // Twice the rank sum of the test losses, with mid-ranks for ties (integers throughout).
    long twiceRankSum = 0;
    for (int start = 0; start < total; ) {
      int end = start;
      while (end + 1 < total && values[order[end + 1]] == values[order[start]]) {
        end++;
      }
      long twiceMidRank = (start + 1) + (end + 1); // 2 × mean of ranks start+1 .. end+1
      for (int k = start; k <= end; k++) {
        if (isTest[order[k]]) {
          twiceRankSum += twiceMidRank;
        }
      }
      start = end + 1;
    }
    // U_test = R_test − nt(nt+1)/2 counts pairs with test > forget, ties ½.
    long twiceU = twiceRankSum - (long) nt * (nt + 1);
    return twiceU / (2.0 * nf * nt);
  }

  /**
   * The logistic-regression attack. Training set: retain losses (label 1) and test losses (label
   * 0), balanced by subsampling the larger side to the size of the smaller without replacement
   * (seeded {@link SplittableRandom}). Feature: the loss standardised by the training set's mean
   * and population standard deviation (scale 1 if it is 0). Model: {@code P(member) = σ(w·x + b)},
   * fitted by minimising {@code ½w² + C Σ logloss} (C = 1, intercept not penalised, as
   * scikit-learn's default) with damped Newton steps (at most 50, stopping when the step is below
   * 1e-10). Reported on the forget set: the mean predicted membership probability and the fraction
   * with probability &gt; ½.
   */
  public static LogisticAttackResult logisticAttack(double[] retainLosses, double[] testLosses,
      double[] forgetLosses, long seed) {
    check("retainLosses", retainLosses);
    check("testLosses", testLosses);
    check("forgetLosses", forgetLosses);
    int m = Math.min(retainLosses.length, testLosses.length);
    SplittableRandom random = new SplittableRandom(seed);
    double[] members = subsample(retainLosses, m, random);
    double[] nonMembers = subsample(testLosses, m, random);
    int n = 2 * m;
    double[] x = new double[n];
    double[] y = new double[n];
    double mean = 0;
    for (int i = 0; i < m; i++) {
      x[i] = members[i];
      y[i] = 1;
      x[m + i] = nonMembers[i];
      mean += members[i] + nonMembers[i];
    }
    mean /= n;
    double var = 0;
    for (double v : x) {
      var += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(var / n);
    double scale = sd > 0 ? sd : 1.0;
    for (int i = 0; i < n; i++) {
      x[i] = (x[i] - mean) / scale;
    }
    double w = 0;
    double b = 0;
    double objective = objective(x, y, w, b);
    int iterations = 0;
    for (; iterations < MAX_NEWTON_ITERATIONS; iterations++) {
      double gw = w;
      double gb = 0;
      double hww = 1;
      double hwb = 0;
      double hbb = 1e-12;
      for (int i = 0; i < n; i++) {
        double p = sigmoid(w * x[i] + b);
        double r = C * (p - y[i]);
        double s = C * p * (1 - p);
        gw += r * x[i];
        gb += r;
        hww += s * x[i] * x[i];
        hwb += s * x[i];
        hbb += s;
      }
      double det = hww * hbb - hwb * hwb;
      double dw = (hbb * gw - hwb * gb) / det;
      double db = (hww * gb - hwb * gw) / det;
      double t = 1;
      double next = objective(x, y, w - dw, b - db);
      for (int halvings = 0; !(next <= objective) && halvings < 40; halvings++) {
        t *= 0.5;
        next = objective(x, y, w - t * dw, b - t * db);
      }
      if (!(next <= objective)) {
        break; // no decrease along the Newton direction: at the optimum to rounding
      }
      w -= t * dw;
      b -= t * db;
      objective = next;
      if (Math.abs(t * dw) + Math.abs(t * db) < 1e-10) {
        iterations++;
        break;
      }
    }
    int correct = 0;
    for (int i = 0; i < n; i++) {
      double p = sigmoid(w * x[i] + b);
      if ((p > 0.5) == (y[i] == 1)) {
        correct++;
      }
    }
    double sumP = 0;
    int predictedMembers = 0;
    for (double loss : forgetLosses) {
      double p = sigmoid(w * (loss - mean) / scale + b);
      sumP += p;
      if (p > 0.5) {
        predictedMembers++;
      }
    }
    return new LogisticAttackResult(sumP / forgetLosses.length,
        predictedMembers / (double) forgetLosses.length, correct / (double) n, w, b, mean, scale,
        m, iterations);
  }

  private static double objective(double[] x, double[] y, double w, double b) {
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      double z = w * x[i] + b;
      sum += softplus(y[i] == 1 ? -z : z); // −log σ(z) for members, −log(1 − σ(z)) otherwise
    }
    return 0.5 * w * w + C * sum;
  }

  private static double softplus(double z) {
    return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  }

  private static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1 + e);
  }

  /** m values drawn without replacement (a partial Fisher-Yates shuffle of a copy). */
  private static double[] subsample(double[] values, int m, SplittableRandom random) {
    double[] copy = values.clone();
    if (m == copy.length) {
      return copy;
    }
    for (int i = 0; i < m; i++) {
      int j = i + random.nextInt(copy.length - i);
      double tmp = copy[i];
      copy[i] = copy[j];
      copy[j] = tmp;
    }
    return Arrays.copyOf(copy, m);
  }

  private static void check(String name, double[] values) {
    InvalidInputException.check(values != null && values.length > 0, "%s (%s) must be non-empty",
        name, values == null ? "null" : "length 0");
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new InvalidInputException(String.format(Locale.ROOT,
            "%s[%d] (%s) must be finite", name, i, values[i]));
      }
    }
  }
}

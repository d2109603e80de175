package dev.unlearn.metrics.harness;

import dev.unlearn.api.InvalidInputException;

/**
 * The spread of one score over repeated runs: the mean, the sample standard deviation and a 95 %
 * Student-t interval for the mean, mean &plusmn; t<sub>0.975, n&minus;1</sub> &middot; sd / &radic;n.
 * With one value the deviation and the interval's half-width are NaN; a NaN value makes every
 * field NaN.
 *
 * <pre>{@code
 * ScoreSpread s = ScoreSpread.of(new double[] {1, 2, 3, 4});   // 2.5 +- 2.054 (t_3 = 3.182)
 * }</pre>
 *
 * @param n the number of values
 * @param mean their mean
 * @param sd the sample standard deviation (n &minus; 1 in the denominator)
 * @param low the interval's lower end
 * @param high its upper end
 */
public record ScoreSpread(int n, double mean, double sd, double low, double high) {
  /** t<sub>0.975, df</sub> for df = 1..30 (two-sided 95 %). */
  private static final double[] T975 = {12.706205, 4.302653, 3.182446, 2.776445, 2.570582,
      2.446912, 2.364624, 2.306004, 2.262157, 2.228139, 2.200985, 2.178813, 2.160369, 2.144787,
      2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658,
      2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272};

  /** The spread of these values (not modified); at least one. */
  public static ScoreSpread of(double[] values) {
    InvalidInputException.check(values != null && values.length > 0,
        "values must hold at least one number");
    int n = values.length;
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double mean = sum / n;
    double correction = 0; // the corrected two-pass algorithm: equal values give sd exactly 0
    for (double v : values) {
      correction += v - mean;
    }
    mean += correction / n;
    if (n == 1) {
      return new ScoreSpread(1, mean, Double.NaN, Double.NaN, Double.NaN);
    }
    double ss = 0;
    for (double v : values) {
      ss += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(ss / (n - 1));
    double half = t975(n - 1) * sd / Math.sqrt(n);
    return new ScoreSpread(n, mean, sd, mean - half, mean + half);
  }

  /**
   * t<sub>0.975</sub> with df degrees of freedom: tabulated to 30, beyond by the Cornish-Fisher
   * expansion z + (z&sup3; + z)/(4 df) + (5z&#8309; + 16z&sup3; + 3z)/(96 df&sup2;) (error below
   * 1e-4 from df = 31).
   */
  static double t975(int df) {
    InvalidInputException.check(df >= 1, "degrees of freedom (%d) must be >= 1", df);
    if (df <= T975.length) {
      return T975[df - 1];
    }
    double z = 1.959963984540054;
    double z3 = z * z * z;
    double z5 = z3 * z * z;
    return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df);
  }
}

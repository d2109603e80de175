package dev.unlearn.metrics.score;

import dev.unlearn.api.InvalidInputException;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Output divergence between two models' predictive distributions on the same rows (docs/metrics.md
 * &sect;4.2), natural logs, each defined per row and then averaged over the rows with equal
 * weight.
 *
 * <ul>
 *   <li>{@code KL(p ‖ q) = Σ_{j : p_j > 0} p_j (ln p_j − ln max(q_j, 1e-12))}: p is the reference
 *       (the retrained model), q the model under test (the unlearned model). Classes with p_j = 0
 *       contribute 0; a zero q_j under a positive p_j is clipped to {@link #PROBABILITY_FLOOR}, so
 *       KL is finite (at most about 27.6 per row) and can underestimate by at most k·1e-12. No
 *       renormalisation after clipping.
 *   <li>{@code JS(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m)}, m = (p + q)/2, with the same 0·ln 0 = 0
 *       convention and no clipping (m_j &gt; 0 wherever p_j or q_j is); symmetric, in [0, ln 2].
 * </ul>
 *
 * <p>Rows must be probability vectors: finite entries in [0, 1] summing to 1 within 1e-6 (softmax
 * outputs in float32 pass). Empty input, mismatched shapes, NaN, infinite or negative entries fail
 * with {@link InvalidInputException} naming the row.
 */
public final class Divergence {
  /** The lower clip of q_j in KL. */
  public static final double PROBABILITY_FLOOR = 1e-12;
  /** The tolerance on a row sum. */
  public static final double SUM_TOLERANCE = 1e-6;

  private Divergence() {}

  /** KL(p ‖ q) of two probability vectors, as defined above. */
  public static double kl(double[] p, double[] q) {
    checkRow("p", p, 0, p == null ? 0 : p.length);
    checkRow("q", q, 0, p.length);
    return klRow(p, q);
  }

  /** JS(p, q) of two probability vectors, as defined above. */
  public static double jensenShannon(double[] p, double[] q) {
    checkRow("p", p, 0, p == null ? 0 : p.length);
    checkRow("q", q, 0, p.length);
    return jsRow(p, q);
  }

  /** The mean over rows of KL(p_retrain ‖ p_unlearned). */
  public static double meanKl(double[][] retrained, double[][] unlearned) {
    checkPair(retrained, unlearned);
    double sum = 0;
    for (int i = 0; i < retrained.length; i++) {
      sum += klRow(retrained[i], unlearned[i]);
    }
    return sum / retrained.length;
  }

  /** {@link #meanKl(double[][], double[][])} of two n &times; k probability matrices. */
  public static double meanKl(INDArray retrained, INDArray unlearned) {
    return meanKl(Utility.toMatrix(retrained), Utility.toMatrix(unlearned));
  }

  /** The mean over rows of JS(p, q). */
  public static double meanJensenShannon(double[][] p, double[][] q) {
    checkPair(p, q);
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      sum += jsRow(p[i], q[i]);
    }
    return sum / p.length;
  }

  /** {@link #meanJensenShannon(double[][], double[][])} of two n &times; k probability matrices. */
  public static double meanJensenShannon(INDArray p, INDArray q) {
    return meanJensenShannon(Utility.toMatrix(p), Utility.toMatrix(q));
  }

  private static double klRow(double[] p, double[] q) {
    double sum = 0;
    for (int j = 0; j < p.length; j++) {
      if (p[j] > 0) {
        sum += p[j] * (Math.log(p[j]) - Math.log(Math.max(q[j], PROBABILITY_FLOOR)));
      }
    }
    return sum;
  }

  private static double jsRow(double[] p, double[] q) {
    double sum = 0;
    for (int j = 0; j < p.length; j++) {
      double m = 0.5 * (p[j] + q[j]);
      if (p[j] > 0) {
        sum += 0.5 * p[j] * (Math.log(p[j]) - Math.log(m));
      }
      if (q[j] > 0) {
        sum += 0.5 * q[j] * (Math.log(q[j]) - Math.log(m));
      }
    }
    return sum;
  }

  private static void checkPair(double[][] p, double[][] q) {
    InvalidInputException.check(p != null && q != null, "probability matrices (null) must be non-null");
    InvalidInputException.check(p.length > 0, "rows (0) must be >= 1");
    InvalidInputException.check(p.length == q.length, "rows of the second matrix (%d) must be %d",
        q.length, p.length);
    int k = p[0] == null ? 0 : p[0].length;
    for (int i = 0; i < p.length; i++) {
      checkRow("first", p[i], i, k);
      checkRow("second", q[i], i, k);
    }
  }

  private static void checkRow(String name, double[] row, int index, int k) {
    InvalidInputException.check(row != null && row.length == k && k >= 1,
        "%s row %d length (%s) must be %d", name, index, row == null ? "null" : row.length, k);
    double sum = 0;
    for (int j = 0; j < k; j++) {
      if (!(row[j] >= 0 && row[j] <= 1)) {
        throw new InvalidInputException(String.format(Locale.ROOT,
            "%s probability at row %d, column %d (%s) must be in [0, 1]", name, index, j, row[j]));
      }
      sum += row[j];
    }
    InvalidInputException.check(Math.abs(sum - 1) <= SUM_TOLERANCE,
        "%s row %d sum (%s) must be 1 within %s", name, index, sum, SUM_TOLERANCE);
  }
}

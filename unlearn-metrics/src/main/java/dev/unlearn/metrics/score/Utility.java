package dev.unlearn.metrics.score;

import dev.unlearn.api.InvalidInputException;
import java.util.Locale;
import dev.unlearn.core.model.Logits;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Utility scores of a classifier from its logits (docs/metrics.md, "Other scores"): accuracy and the mean
 * softmax cross-entropy, in double.
 *
 * <p>Accuracy counts a row correct when the first index of the largest logit (numpy's argmax tie
 * rule) equals the label. Cross-entropy of a row is {@code logsumexp(z) − z_y}, computed with the
 * max subtracted, so it is finite for any finite logits. Empty input, NaN or infinite logits and
 * labels out of range fail with {@link InvalidInputException} naming the row.
 */
public final class Utility {
  private Utility() {}

  /** The fraction of rows whose argmax equals the label. */
  public static double accuracy(double[][] logits, int[] labels) {
    check(logits, labels);
    int correct = 0;
    for (int i = 0; i < logits.length; i++) {
      double[] z = logits[i];
      int best = 0;
      for (int j = 1; j < z.length; j++) {
        if (z[j] > z[best]) {
          best = j;
        }
      }
      if (best == labels[i]) {
        correct++;
      }
    }
    return correct / (double) logits.length;
  }

  /** {@link #accuracy(double[][], int[])} of an n &times; k logit matrix of any floating type. */
  public static double accuracy(INDArray logits, int[] labels) {
    return accuracy(toMatrix(logits), labels);
  }

  /** The cross-entropy {@code logsumexp(z_i) − z_{i,y_i}} of every row. */
  public static double[] perExampleCrossEntropy(double[][] logits, int[] labels) {
    check(logits, labels);
    return Logits.crossEntropy(logits, labels);
  }

  /** The mean over rows of the softmax cross-entropy. */
  public static double meanCrossEntropy(double[][] logits, int[] labels) {
    double[] losses = perExampleCrossEntropy(logits, labels);
    double sum = 0;
    for (double v : losses) {
      sum += v;
    }
    return sum / losses.length;
  }

  /** {@link #meanCrossEntropy(double[][], int[])} of an n &times; k matrix of any floating type. */
  public static double meanCrossEntropy(INDArray logits, int[] labels) {
    return meanCrossEntropy(toMatrix(logits), labels);
  }

  /**
   * An n &times; k matrix of any floating type as {@code double[n][k]}, in one bulk copy ({@link
   * Logits#rows}).
   */
  public static double[][] toMatrix(INDArray m) {
    return Logits.rows(m);
  }

  private static void check(double[][] logits, int[] labels) {
    InvalidInputException.check(logits != null && labels != null,
        "logits and labels (null) must be non-null");
    InvalidInputException.check(logits.length > 0, "rows (0) must be >= 1");
    InvalidInputException.check(labels.length == logits.length,
        "labels (%d) must have one entry per logit row (%d)", labels.length, logits.length);
    int k = logits[0] == null ? 0 : logits[0].length;
    for (int i = 0; i < logits.length; i++) {
      InvalidInputException.check(logits[i] != null && logits[i].length == k && k >= 1,
          "logit row %d length (%s) must be %d", i, logits[i] == null ? "null" : logits[i].length,
          k);
      InvalidInputException.check(labels[i] >= 0 && labels[i] < k,
          "label of row %d (%d) must be in [0, %d)", i, labels[i], k);
      for (int j = 0; j < k; j++) {
        if (!Double.isFinite(logits[i][j])) {
          throw new InvalidInputException(String.format(Locale.ROOT,
              "logit at row %d, column %d (%s) must be finite", i, j, logits[i][j]));
        }
      }
    }
  }
}

package dev.unlearn.core.model;

import dev.unlearn.api.InvalidInputException;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Logit matrices as plain {@code double[][]} rows, and the two quantities every scorer derives from
 * them: softmax probabilities and per-example cross-entropies, both computed stably (the row's
 * maximum subtracted first). Used by {@link AbstractModel} and by the metrics module's scores.
 */
public final class Logits {
  private Logits() {}

  /**
   * An n &times; k matrix of any floating type as {@code double[n][k]}, copied in one bulk
   * transfer. (ND4J's {@code toDoubleMatrix} makes a row view per row: measured 0.5 s for the
   * 24 324 &times; 41 logits of the canary task, against a few milliseconds here.)
   */
  public static double[][] rows(INDArray m) {
    InvalidInputException.check(m != null && m.rank() == 2, "array (%s) must be a matrix",
        m == null ? "null" : "rank " + m.rank());
    int r = (int) m.rows();
    int c = (int) m.columns();
    double[] flat = m.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[][] out = new double[r][];
    for (int i = 0; i < r; i++) {
      out[i] = Arrays.copyOfRange(flat, i * c, (i + 1) * c);
    }
    return out;
  }

  /** The softmax of every row, as new rows. */
  public static double[][] softmax(double[][] logits) {
    double[][] p = new double[logits.length][];
    for (int i = 0; i < logits.length; i++) {
      double[] z = logits[i];
      double max = Double.NEGATIVE_INFINITY;
      for (double v : z) {
        max = Math.max(max, v);
      }
      double[] e = new double[z.length];
      double s = 0;
      for (int j = 0; j < z.length; j++) {
        e[j] = Math.exp(z[j] - max);
        s += e[j];
      }
      for (int j = 0; j < z.length; j++) {
        e[j] /= s;
      }
      p[i] = e;
    }
    return p;
  }

  /** The softmax cross-entropy of every row against its label, log &Sigma; e^z &minus; z_y. */
  public static double[] crossEntropy(double[][] logits, int[] labels) {
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      double[] z = logits[i];
      double max = Double.NEGATIVE_INFINITY;
      for (double v : z) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (double v : z) {
        sum += Math.exp(v - max);
      }
      out[i] = Math.log(sum) + max - z[labels[i]];
    }
    return out;
  }
}

package dev.unlearn.metrics.forgetting;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import java.util.List;
import java.util.Locale;
import dev.unlearn.metrics.score.Utility;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The statistic of the competition's forgetting score (docs/metrics.md, "The competition score F" step 1; the LiRA
 * logit scaling of Carlini et al. 2022 as used by Triantafillou et al., arXiv 2406.09073): for
 * logits z and true label y, in float64,
 *
 * <pre>
 *   p = softmax(z − max z),   &phi; = log(p_y + 1e-45) − log(&Sigma;_{j&ne;y} p_j + 1e-45).
 * </pre>
 *
 * <p>&phi; lies within about &plusmn;103.6 (the 1e-45 floors). Logits of any floating type are
 * converted to double <b>before</b> the max is subtracted (the organisers subtract in the model's
 * type). NaN or infinite logits and labels out of range fail with {@link InvalidInputException}
 * naming the row; empty input gives an empty result.
 *
 * <pre>{@code
 * double[][] conf = LogitScaledConfidence.matrix(model, thetas, forgetSet); // N x |S|
 * }</pre>
 */
public final class LogitScaledConfidence {
  /** The floor added to both probabilities before the logs. */
  public static final double FLOOR = 1e-45;

  private LogitScaledConfidence() {}

  /** &phi; of one row of logits (length k &ge; 2) with the true label. */
  public static double of(double[] logits, int label) {
    return row(logits, label, 0);
  }

  /** &phi; of each row of an n &times; k logit matrix with its label. */
  public static double[] of(double[][] logits, int[] labels) {
    InvalidInputException.check(logits != null && labels != null,
        "logits and labels (null) must be non-null");
    InvalidInputException.check(logits.length == labels.length,
        "labels (%d) must have one entry per logit row (%d)", labels.length, logits.length);
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = row(logits[i], labels[i], i);
    }
    return out;
  }

  /** &phi; of each row of an n &times; k logit matrix (any floating type, read as double). */
  public static double[] of(INDArray logits, int[] labels) {
    InvalidInputException.check(logits != null && logits.rank() == 2,
        "logits (%s) must be a matrix", logits == null ? "null" : "rank " + logits.rank());
    return of(Utility.toMatrix(logits), labels);
  }

  /** &phi; of each row of {@code data} under {@code model} at &theta; (one forward pass). */
  public static double[] of(Model model, INDArray theta, Dataset data) {
    return of(model.logits(theta, data.features(model.dataType())), data.labels());
  }

  /**
   * The N &times; |S| confidence matrix of N models (one &theta; each) on the forget set: row i is
   * {@code of(model, thetas.get(i), forget)}.
   */
  public static double[][] matrix(Model model, List<INDArray> thetas, Dataset forget) {
    InvalidInputException.check(thetas != null && !thetas.isEmpty(),
        "thetas (%s) must be non-empty", thetas == null ? "null" : "0 models");
    double[][] out = new double[thetas.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = of(model, thetas.get(i), forget);
    }
    return out;
  }

  private static double row(double[] z, int label, int row) {
    InvalidInputException.check(z != null && z.length >= 2,
        "logit row %d length (%s) must be >= 2", row, z == null ? "null" : z.length);
    InvalidInputException.check(label >= 0 && label < z.length,
        "label of row %d (%d) must be in [0, %d)", row, label, z.length);
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < z.length; j++) {
      if (!Double.isFinite(z[j])) {
        throw new InvalidInputException(String.format(Locale.ROOT,
            "logit at row %d, column %d (%s) must be finite", row, j, z[j]));
      }
      max = Math.max(max, z[j]);
    }
    double sum = 0;
    for (double v : z) {
      sum += StrictMath.exp(v - max);
    }
    double correct = StrictMath.exp(z[label] - max) / sum;
    double wrong = 0;
    for (int j = 0; j < z.length; j++) {
      if (j != label) {
        wrong += StrictMath.exp(z[j] - max) / sum;
      }
    }
    return StrictMath.log(correct + FLOOR) - StrictMath.log(wrong + FLOOR);
  }
}

package dev.unlearn.core.data;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Z-scoring with statistics fitted on one data set (the training rows) and applied to others:
 * {@code x' = (x - mean) / std}, with the population standard deviation (divisor n, as numpy's
 * {@code std}) and {@code std = 1} for a constant column, which therefore becomes 0.
 *
 * <pre>{@code
 * Standardizer z = Standardizer.fit(train);
 * Dataset trainZ = z.transform(train);
 * Dataset testZ = z.transform(test);   // train statistics, never the test's own
 * }</pre>
 *
 * <p>Means and deviations are computed in two passes in double. A column whose values are all equal
 * is detected exactly, so it gets its value as mean and maps to exactly 0 (rounding in the mean
 * cannot leave a tiny deviation behind). NaN and infinity cannot occur: {@link Dataset} rejects
 * them. {@link #transform} returns a new data set with the same labels, class count and groups and
 * leaves its input unchanged. Immutable and thread-safe.
 */
public final class Standardizer {
  private final double[] means;
  private final double[] stds;

  private Standardizer(double[] means, double[] stds) {
    this.means = means;
    this.stds = stds;
  }

  /** Fits the column means and population standard deviations of {@code data}'s features. */
  public static Standardizer fit(Dataset data) {
    return fit(rowMajor(data.features()), data.size(), data.numFeatures());
  }

  /** Fits the statistics of the first {@code n} rows of a row-major {@code n x d} array. */
  static Standardizer fit(double[] x, int n, int d) {
    double[] mean = new double[d];
    double[] std = new double[d];
    boolean[] constant = new boolean[d];
    Arrays.fill(constant, true);
    for (int i = 0; i < n; i++) {
      int o = i * d;
      for (int j = 0; j < d; j++) {
        mean[j] += x[o + j];
        constant[j] &= x[o + j] == x[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] = constant[j] ? x[j] : mean[j] / n;
    }
    for (int i = 0; i < n; i++) {
      int o = i * d;
      for (int j = 0; j < d; j++) {
        double r = x[o + j] - mean[j];
        std[j] += r * r;
      }
    }
    for (int j = 0; j < d; j++) {
      double s = Math.sqrt(std[j] / n);
      std[j] = constant[j] || s == 0 ? 1.0 : s;
    }
    return new Standardizer(mean, std);
  }

  /** A new data set with standardized features and the same labels, class count and groups. */
  public Dataset transform(Dataset data) {
    int d = means.length;
    InvalidInputException.check(data.numFeatures() == d,
        "features (%d) must equal the fitted dimension (%d)", data.numFeatures(), d);
    int n = data.size();
    double[] x = rowMajor(data.features());
    applyInPlace(x, 0, n);
    INDArray z = Nd4j.create(x, new long[] {n, d}, DataType.DOUBLE);
    int[] labels = data.labels();
    return data.groups()
        .map(g -> Dataset.of(z, labels, data.numClasses(), g))
        .orElseGet(() -> Dataset.of(z, labels, data.numClasses()));
  }

  /** Standardizes rows {@code [from, to)} of a row-major array of width {@link #dimension()}. */
  void applyInPlace(double[] x, int from, int to) {
    int d = means.length;
    for (int i = from; i < to; i++) {
      int o = i * d;
      for (int j = 0; j < d; j++) {
        x[o + j] = (x[o + j] - means[j]) / stds[j];
      }
    }
  }

  /** A copy of the fitted column means. */
  public double[] means() {
    return means.clone();
  }

  /** A copy of the fitted column standard deviations (1 where a column is constant). */
  public double[] stds() {
    return stds.clone();
  }

  /** Number of feature columns fitted. */
  public int dimension() {
    return means.length;
  }

  /** A fresh row-major double copy of a matrix (views included). */
  static double[] rowMajor(INDArray x) {
    return x.dup('c').data().asDouble();
  }
}

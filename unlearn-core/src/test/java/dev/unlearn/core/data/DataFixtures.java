package dev.unlearn.core.data;

import dev.unlearn.api.Dataset;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Small data sets for the tests of this package. */
final class DataFixtures {
  private DataFixtures() {}

  /** Features: column 0 is the row index, column 1 is 10 times it; the given labels. */
  static Dataset indexed(int[] labels, int numClasses) {
    int n = labels.length;
    double[] x = new double[2 * n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = 10.0 * i;
    }
    return Dataset.of(Nd4j.create(x, new long[] {n, 2}, DataType.DOUBLE), labels, numClasses);
  }

  /** n uniform labels in [0, k), seeded. */
  static int[] randomLabels(int n, int k, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(k);
    }
    return y;
  }

  /** The first feature of every row (the original row index for {@link #indexed}). */
  static int[] firstColumn(Dataset d) {
    double[] x = d.features().dup('c').data().asDouble();
    int[] out = new int[d.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) x[i * d.numFeatures()];
    }
    return out;
  }
}

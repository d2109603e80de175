package dev.unlearn.core.data;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded synthetic multiclass data from a random linear softmax teacher, as the peer benchmarks'
 * {@code synthetic()} ({@code shared/peers/data.py}): features {@code X ~ N(0, 1)}, teacher
 * weights {@code W ~ N(0, 9/d)}, labels {@code argmax_j (X W + G)_j} with standard Gumbel noise
 * {@code G} (a sample from the teacher's softmax: learnable, not separable), then both sides
 * z-scored with the training statistics.
 *
 * <pre>{@code
 * Split s = SyntheticData.generate(10_000, 784, 10, 0);   // 10 000 train + 2 500 test rows
 * }</pre>
 *
 * <p>The same seed gives the same data on every JVM and platform: all draws come from one {@link
 * SplittableRandom} in a fixed order (X row by row, then W, then G), Gaussians by Marsaglia's polar method
 * and logarithms through {@link StrictMath}, the teacher's logits summed in a fixed order in plain
 * Java (a one-off O(n d k) pass, not a hot loop). The distribution is the peer's; the numbers are not
 * (numpy's generator differs). The split's row indices number the generated rows, train first
 * ({@code 0..n-1}, then {@code n..n+nTest-1}). Some of the k classes may have no rows when n is
 * tiny; the class count is k regardless. No NaN or infinity can arise.
 */
public final class SyntheticData {
  private SyntheticData() {}

  /** {@code n} train rows and {@code n / 4} test rows of {@code d} features in {@code k} classes. */
  public static Split generate(int n, int d, int k, long seed) {
    InvalidInputException.check(n >= 4, "n (%d) must be >= 4 (the test set has n / 4 rows)", n);
    return generate(n, d, k, seed, n / 4);
  }

  /** {@code n} train rows and {@code nTest} test rows of {@code d} features in {@code k} classes. */
  public static Split generate(int n, int d, int k, long seed, int nTest) {
    Raw raw = raw(n, d, k, seed, nTest);
    int total = n + nTest;
    // Standardize the fresh draws in place (we own them), then wrap each side once.
    double[] x = raw.x;
    Standardizer z = Standardizer.fit(x, n, d);
    z.applyInPlace(x, 0, total);
    Dataset train = Dataset.of(
        Nd4j.create(Arrays.copyOfRange(x, 0, n * d), new long[] {n, d}, DataType.DOUBLE),
        Arrays.copyOfRange(raw.labels, 0, n), k);
    Dataset test = Dataset.of(
        Nd4j.create(Arrays.copyOfRange(x, n * d, total * d), new long[] {nTest, d},
            DataType.DOUBLE),
        Arrays.copyOfRange(raw.labels, n, total), k);
    int[] trainRows = IntStream.range(0, n).toArray();
    int[] testRows = IntStream.range(n, total).toArray();
    return new Split(train, test, trainRows, testRows);
  }

  /** The unscaled draws: X ((n + nTest) x d), W (d x k), G ((n + nTest) x k), all row-major. */
  record Raw(double[] x, double[] w, double[] gumbel, int[] labels) {}

  static Raw raw(int n, int d, int k, long seed, int nTest) {
    InvalidInputException.check(n >= 2, "n (%d) must be >= 2", n);
    InvalidInputException.check(nTest >= 1, "nTest (%d) must be >= 1", nTest);
    InvalidInputException.check(d >= 1, "d (%d) must be >= 1", d);
    InvalidInputException.check(k >= 2, "k (%d) must be >= 2", k);
    long total = (long) n + nTest;
    InvalidInputException.check(total * Math.max(d, k) <= Integer.MAX_VALUE - 8,
        "(n + nTest) * max(d, k) (%d) must fit in one Java array", total * Math.max(d, k));
    int rows = (int) total;
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = gaussians(rng, rows * d, 1.0);
    double[] w = gaussians(rng, d * k, 3.0 / Math.sqrt(d));
    double[] g = new double[rows * k];
    for (int i = 0; i < g.length; i++) {
      g[i] = -StrictMath.log(-StrictMath.log(openUnit(rng)));
    }
    // The teacher's logits in plain Java with a fixed summation order (not BLAS, whose rounding
    // depends on the platform and thread count), so the labels are the same everywhere.
    int[] labels = new int[rows];
    double[] z = new double[k];
    for (int i = 0; i < rows; i++) {
      Arrays.fill(z, 0.0);
      int o = i * d;
      for (int t = 0; t < d; t++) {
        double xi = x[o + t];
        int wo = t * k;
        for (int j = 0; j < k; j++) {
          z[j] += xi * w[wo + j];
        }
      }
      int best = 0;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        double v = z[j] + g[i * k + j];
        if (v > bestValue) {
          bestValue = v;
          best = j;
        }
      }
      labels[i] = best;
    }
    return new Raw(x, w, g, labels);
  }

  /** Standard normal draws times {@code scale}, by Marsaglia's polar method, in pairs. */
  private static double[] gaussians(SplittableRandom rng, int count, double scale) {
    double[] out = new double[count];
    for (int i = 0; i < count; i += 2) {
      double u;
      double v;
      double s;
      do {
        u = 2.0 * rng.nextDouble() - 1.0;
        v = 2.0 * rng.nextDouble() - 1.0;
        s = u * u + v * v;
      } while (s >= 1.0 || s == 0.0);
      double f = scale * Math.sqrt(-2.0 * StrictMath.log(s) / s);
      out[i] = f * u;
      if (i + 1 < count) {
        out[i + 1] = f * v;
      }
    }
    return out;
  }

  /** Uniform in the open interval (0, 1): 53 random bits, offset by half a step. */
  private static double openUnit(SplittableRandom rng) {
    return ((rng.nextLong() >>> 11) + 0.5) * 0x1.0p-53;
  }
}

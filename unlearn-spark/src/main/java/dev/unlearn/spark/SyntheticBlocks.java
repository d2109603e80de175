package dev.unlearn.spark;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Large synthetic classification data made where it is used: each block is generated on its
 * executor from (seed, block index), so the driver never holds the features. Rows: x ~ N(0, I_d);
 * the label is the argmax of x<sup>T</sup>W* + b* + Gumbel noise for a teacher W* ~ N(0, 9/d), b* drawn from the
 * seed (a softmax-regression world). {@link #inMemory} makes exactly the same rows in one JVM, the
 * oracle for checks and the in-memory side of speed comparisons.
 */
public final class SyntheticBlocks {
  private SyntheticBlocks() {}

  /** n rows of d features in k classes over the given number of blocks (one per partition). */
  public static DistributedData distributed(JavaSparkContext sc, int n, int d, int k, int blocks,
      long seed) {
    return distributed(sc, n, d, k, blocks, seed, seed);
  }

  /**
   * The same with the rows drawn from {@code rowSeed} and the teacher from {@code teacherSeed}:
   * another row seed gives fresh rows of the same world (a test set).
   */
  public static DistributedData distributed(JavaSparkContext sc, int n, int d, int k, int blocks,
      long teacherSeed, long rowSeed) {
    check(n, d, k, blocks);
    List<Integer> ids = new ArrayList<>(blocks);
    for (int b = 0; b < blocks; b++) {
      ids.add(b);
    }
    return DistributedData.fromBlocks(sc.parallelize(ids, blocks)
        .map(b -> block(n, d, k, blocks, teacherSeed, rowSeed, b)), k);
  }

  /** The same rows in memory. */
  public static Dataset inMemory(int n, int d, int k, int blocks, long seed) {
    return inMemory(n, d, k, blocks, seed, seed);
  }

  /** The same rows in memory, with separate teacher and row seeds. */
  public static Dataset inMemory(int n, int d, int k, int blocks, long teacherSeed, long rowSeed) {
    check(n, d, k, blocks);
    InvalidInputException.check((long) n * d <= Integer.MAX_VALUE,
        "%d x %d values (%d) must fit in one array for the in-memory copy", n, d, (long) n * d);
    double[] x = new double[n * d];
    int[] y = new int[n];
    for (int b = 0; b < blocks; b++) {
      RowBlock block = block(n, d, k, blocks, teacherSeed, rowSeed, b);
      System.arraycopy(block.features(), 0, x, block.start() * d, block.features().length);
      System.arraycopy(block.labels(), 0, y, block.start(), block.rows());
    }
    return Dataset.of(Nd4j.create(x, new long[] {n, d}, DataType.DOUBLE), y, k);
  }

  private static void check(int n, int d, int k, int blocks) {
    InvalidInputException.check(n >= 1 && d >= 1 && k >= 2,
        "rows (%d), features (%d) and classes (%d) must be >= 1, >= 1 and >= 2", n, d, k);
    InvalidInputException.check(blocks >= 1 && blocks <= n, "blocks (%d) must be in [1, %d]",
        blocks, n);
    InvalidInputException.check(((long) n / blocks + 1) * d <= Integer.MAX_VALUE,
        "a block of %d x %d values must fit in one array: use more blocks", n / blocks + 1, d);
  }

  static RowBlock block(int n, int d, int k, int blocks, long teacherSeed, long rowSeed, int b) {
    SplittableRandom teacherRng = new SplittableRandom(teacherSeed);
    double[] w = new double[d * k];
    double[] bias = new double[k];
    for (int i = 0; i < w.length; i++) {
      w[i] = 3 * gaussian(teacherRng) / Math.sqrt(d); // logits of spread about 3: learnable
    }
    for (int j = 0; j < k; j++) {
      bias[j] = gaussian(teacherRng) * 0.5;
    }
    int from = (int) ((long) n * b / blocks);
    int to = (int) ((long) n * (b + 1) / blocks);
    SplittableRandom rng = new SplittableRandom(rowSeed * 1_000_003L + b);
    double[] x = new double[(to - from) * d];
    int[] y = new int[to - from];
    double[] z = new double[k];
    for (int r = 0; r < to - from; r++) {
      for (int i = 0; i < d; i++) {
        x[r * d + i] = gaussian(rng);
      }
      int best = 0;
      for (int j = 0; j < k; j++) {
        double s = bias[j];
        for (int i = 0; i < d; i++) {
          s += x[r * d + i] * w[i * k + j];
        }
        z[j] = s - Math.log(-Math.log(1 - rng.nextDouble())); // Gumbel: a softmax draw
        if (z[j] > z[best]) {
          best = j;
        }
      }
      y[r] = best;
    }
    return new RowBlock(from, d, x, y);
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

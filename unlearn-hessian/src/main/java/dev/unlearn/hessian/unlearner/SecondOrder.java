package dev.unlearn.hessian.unlearner;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Pieces shared by the second-order unlearners: seeded sampling, per-example gradients in chunks. */
final class SecondOrder {
  /** Rows per chunk when per-example gradients are only reduced (bounds the n &times; p memory). */
  static final int CHUNK = 256;

  private SecondOrder() {}

  /**
   * {@code m} distinct indices of {@code [0, n)} in ascending order, a seeded uniform sample
   * (partial Fisher-Yates); all of them when m &ge; n.
   */
  static int[] subsample(int n, int m, long seed) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    if (m >= n) {
      return idx;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < m; i++) {
      int j = i + rng.nextInt(n - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    int[] out = java.util.Arrays.copyOf(idx, m);
    java.util.Arrays.sort(out);
    return out;
  }

  /** A vector of p independent N(0, 1) draws from a seeded generator, in the given type. */
  static INDArray gaussian(int p, long seed, DataType type) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] z = new double[p];
    for (int i = 0; i < p; i++) {
      z[i] = rng.nextGaussian();
    }
    return Nd4j.create(z, new long[] {p}, 'c').castTo(type);
  }

  /**
   * Per-example (unregularised) gradients of the rows of {@code data}, m &times; p; counted. Computed
   * in chunks of {@link #CHUNK} rows, checking the run's monitor before each.
   */
  static INDArray perExampleGradients(Model model, INDArray theta, Dataset data, Cost.Meter meter) {
    INDArray out = Nd4j.create(model.dataType(), data.size(), model.numParameters());
    chunks(model, theta, data, meter, (first, g) -> out.get(
        NDArrayIndex.interval(first, first + g.rows()), NDArrayIndex.all()).assign(g));
    return out;
  }

  /**
   * The mean over the rows of the squared per-example gradients, (1/n) &Sigma;<sub>i</sub>
   * g<sub>ij</sub>&sup2; (the diagonal of the empirical Fisher without damping), in float64,
   * computed in chunks of {@link #CHUNK} rows.
   */
  static double[] meanSquaredGradients(Model model, INDArray theta, Dataset data, Cost.Meter meter) {
    int n = data.size();
    double[] acc = new double[model.numParameters()];
    chunks(model, theta, data, meter, (first, g) -> {
      INDArray gd = g.castTo(DataType.DOUBLE);
      double[] s = gd.mul(gd).sum(0).toDoubleVector();
      for (int j = 0; j < acc.length; j++) {
        acc[j] += s[j];
      }
    });
    for (int j = 0; j < acc.length; j++) {
      acc[j] /= n;
    }
    return acc;
  }

  /** What {@link #chunks} does with one chunk's per-example gradients. */
  @FunctionalInterface
  interface ChunkGradients {
    void accept(int firstRow, INDArray gradients);
  }

  /**
   * Per-example gradients of {@code data} in consecutive chunks of at most {@link #CHUNK} rows (so
   * the n &times; p matrix is never needed at once), each handed to {@code body} with the index of
   * its first row; the run's monitor is checked and the gradients counted before each chunk.
   */
  private static void chunks(Model model, INDArray theta, Dataset data, Cost.Meter meter,
      ChunkGradients body) {
    int n = data.size();
    for (int r0 = 0; r0 < n; r0 += CHUNK) {
      meter.monitor().stopIfAsked();
      int r1 = Math.min(n, r0 + CHUNK);
      Dataset chunk = r0 == 0 && r1 == n ? data : data.rows(IntStream.range(r0, r1).toArray());
      meter.gradient(r1 - r0);
      body.accept(r0, model.at(theta, chunk).perExampleGradients());
    }
  }

  /** The smallest relative residual the iterative solvers are asked for in float32. */
  static final double FLOAT32_TOLERANCE = 1e-5;

  /**
   * The solver tolerance actually used: the requested one, but not below what the model's
   * precision can reach ({@value #FLOAT32_TOLERANCE} in float32, where a relative residual of 1e-8
   * is below rounding and CG would only spend its iteration budget and fail).
   */
  static double reachableTolerance(double requested, DataType type) {
    return type == DataType.FLOAT ? Math.max(requested, FLOAT32_TOLERANCE) : requested;
  }

  static double norm(INDArray v) {
    double[] x = v.toDoubleVector();
    double s = 0;
    for (double d : x) {
      s += d * d;
    }
    return Math.sqrt(s);
  }
}

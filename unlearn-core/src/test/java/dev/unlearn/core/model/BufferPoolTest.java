package dev.unlearn.core.model;

import static dev.unlearn.testkit.Numerics.arr;
import static dev.unlearn.testkit.Numerics.vec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.testkit.Numerics;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The buffer pool hands a point's buffers to later points and recomputes the forward pass of a
 * point whose buffers were taken: every result must equal, bit for bit, the same computation on a
 * model of its own (a separate pool, one point at a time), however points interleave and on two
 * threads.
 */
class BufferPoolTest {
  private static final long SEED = 20261123L;
  private static final int N = 40;

  private static Mlp model() {
    return Mlp.of(Activation.TANH, 6, 9, 4).withL2(1e-3);
  }

  /** Gradient, exact HVP and GGN product of theta_i, each on a fresh model (its own pool). */
  private static double[][] alone(double[] theta, double[] v, Dataset data, DataType type) {
    Model m = model().withDataType(type);
    ModelPoint at = m.at(vec(theta, type), data);
    return new double[][] {arr(at.gradient()), arr(at.hessianVectorProduct(vec(v, type))),
        arr(at.gaussNewtonVectorProduct(vec(v, type))), {at.loss()}, arr(at.logits().reshape(-1))};
  }

  @Test
  void interleavedPointsGiveIdenticalResults() {
    System.out.println("BufferPoolTest seed " + SEED);
    Dataset data = Numerics.gaussianData(SEED, N, 6, 4);
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      Mlp m = model().withDataType(type);
      int p = m.numParameters();
      int count = BufferPool.TOTAL + 3; // more live points than pooled buffers
      List<ModelPoint> points = new ArrayList<>();
      List<double[]> thetas = new ArrayList<>();
      double[] v = Numerics.gaussianVector(SEED + 99, p, 1.0);
      for (int i = 0; i < count; i++) {
        double[] theta = Numerics.gaussianVector(SEED + i, p, 0.5);
        thetas.add(theta);
        points.add(m.at(vec(theta, type), data));
        m.gradient(vec(Numerics.gaussianVector(SEED + 50 + i, p, 0.5), type), data); // steals
      }
      assertThat(m.net().pool.size()).isLessThanOrEqualTo(BufferPool.TOTAL);
      // Visit the points in reverse and twice: each visit may find its buffers taken.
      for (int pass = 0; pass < 2; pass++) {
        for (int i = count - 1; i >= 0; i--) {
          ModelPoint at = points.get(i);
          double[][] expected = alone(thetas.get(i), v, data, type);
          assertThat(arr(at.gradient())).containsExactly(expected[0]);
          m.hessianVectorProduct(vec(thetas.get((i + 1) % count), type), data, vec(v, type));
          assertThat(arr(at.hessianVectorProduct(vec(v, type)))).containsExactly(expected[1]);
          assertThat(arr(at.gaussNewtonVectorProduct(vec(v, type)))).containsExactly(expected[2]);
          assertThat(at.loss()).isEqualTo(expected[3][0]);
          assertThat(arr(at.logits().reshape(-1))).containsExactly(expected[4]);
        }
      }
    }
  }

  @Test
  void twoThreadsSharingOneModelGetIdenticalResults() throws Exception {
    System.out.println("BufferPoolTest seed " + SEED);
    Dataset data = Numerics.gaussianData(SEED + 1, N, 6, 4);
    Mlp m = model();
    int p = m.numParameters();
    double[] v = Numerics.gaussianVector(SEED + 7, p, 1.0);
    int perThread = 6;
    double[][][] expected = new double[2 * perThread][][];
    double[][] thetas = new double[2 * perThread][];
    for (int i = 0; i < thetas.length; i++) {
      thetas[i] = Numerics.gaussianVector(SEED + 200 + i, p, 0.5);
      expected[i] = alone(thetas[i], v, data, DataType.DOUBLE);
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> jobs = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int first = t * perThread;
        jobs.add(pool.submit(() -> {
          int checked = 0;
          for (int rep = 0; rep < 20; rep++) {
            int i = first + rep % perThread;
            ModelPoint at = m.at(vec(thetas[i], DataType.DOUBLE), data);
            ModelPoint other = m.at(vec(thetas[first + (rep + 1) % perThread], DataType.DOUBLE), data);
            assertThat(arr(m.gradient(vec(thetas[i], DataType.DOUBLE), data))).containsExactly(expected[i][0]);
            assertThat(arr(at.hessianVectorProduct(vec(v, DataType.DOUBLE)))).containsExactly(expected[i][1]);
            assertThat(arr(other.gradient())).containsExactly(expected[first + (rep + 1) % perThread][0]);
            assertThat(arr(at.gradient())).containsExactly(expected[i][0]);
            checked += 4;
          }
          return checked;
        }));
      }
      for (Future<Integer> job : jobs) {
        assertThat(job.get()).isEqualTo(80);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

package dev.unlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The float32 tanh and exp against {@link Math#tanh} and {@link Math#exp} (float64, rounded), the
 * tanh layer on buffers against the scalar form and the generated kernel, and the float32 softmax
 * head against the float64 kernel.
 */
class FloatMathTest {

  @Test
  void withinEightUlpOfTheRoundedTruthEverywhereAndOddAndBounded() {
    double worst = 0;
    float worstAt = 0;
    for (int i = -2_000_000; i <= 2_000_000; i++) {
      float x = i * 6e-6f; // [-12, 12]
      float t = FloatMath.tanh(x);
      double exact = Math.tanh(x);
      double ulps = Math.abs(t - exact) / Math.ulp((float) exact);
      if (ulps > worst) {
        worst = ulps;
        worstAt = x;
      }
      assertThat(FloatMath.tanh(-x)).isEqualTo(-t);
      assertThat(Math.abs(t)).isLessThanOrEqualTo(1f);
    }
    for (float x : new float[] {1e-30f, 1e-10f, 3e-4f, Float.MIN_VALUE}) {
      assertThat(Math.abs(FloatMath.tanh(x) - x)).isLessThanOrEqualTo(Math.ulp(x));
    }
    System.out.printf("float tanh worst error: %.2f ulp at %s%n", worst, worstAt);
    assertThat(worst).isLessThanOrEqualTo(8);
    assertThat(FloatMath.tanh(Float.NaN)).isNaN();
    // saturates within two ulps of ±1 (the rational at the clamp gives 1 - 1.2e-7)
    assertThat(FloatMath.tanh(Float.POSITIVE_INFINITY)).isBetween(1f - 2 * Math.ulp(0.9f), 1f);
    assertThat(FloatMath.tanh(Float.NEGATIVE_INFINITY)).isBetween(-1f, -1f + 2 * Math.ulp(0.9f));
    assertThat(FloatMath.tanh(0f)).isEqualTo(0f);
  }

  @Test
  void theLayerAddsTheBiasAndMatchesTheScalarFormAcrossChunks() {
    int n = 300;
    int h = 57; // 8192 / 57 rows a chunk: several chunks, the last partial
    SplittableRandom rng = new SplittableRandom(2);
    INDArray z = Nd4j.create(DataType.FLOAT, n, h);
    INDArray theta = Nd4j.create(DataType.FLOAT, 10 + h);
    for (int i = 0; i < n * h; i++) {
      z.data().put(i, (float) (3 * rng.nextGaussian()));
    }
    for (int c = 0; c < 10 + h; c++) {
      theta.data().put(c, (float) rng.nextGaussian());
    }
    INDArray before = z.dup();
    INDArray zk = z.dup();
    INDArray ak = Nd4j.create(DataType.FLOAT, n, h);
    INDArray fk = Nd4j.create(DataType.FLOAT, n, h);
    Kernels32.activate(Activation.TANH, zk.data().asNioFloat(), theta.data().asNioFloat(), 10, n,
        h, ak.data().asNioFloat(), fk.data().asNioFloat(), new double[h]);
    INDArray a = Nd4j.create(DataType.FLOAT, n, h);
    INDArray f1 = Nd4j.create(DataType.FLOAT, n, h);
    FloatBuffer zb = z.data().asNioFloat();
    FloatLoops.activateTanh(zb, theta.data().asNioFloat(), 10, n, h, a.data().asNioFloat(),
        f1.data().asNioFloat());
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < h; c++) {
        float x = before.getFloat(i, c) + theta.getFloat(10 + c);
        float t = FloatMath.tanh(x);
        assertThat(z.getFloat(i, c)).isEqualTo(x);
        assertThat(a.getFloat(i, c)).isEqualTo(t);
        assertThat(f1.getFloat(i, c)).isEqualTo(1f - t * t);
        // the generated kernel (Activation.tanh in double): within float rounding of it
        assertThat(z.getFloat(i, c)).isEqualTo(zk.getFloat(i, c));
        assertThat(Math.abs(a.getFloat(i, c) - ak.getFloat(i, c))).isLessThanOrEqualTo(1e-6f);
        assertThat(Math.abs(f1.getFloat(i, c) - fk.getFloat(i, c))).isLessThanOrEqualTo(2e-6f);
      }
    }
  }

  @Test
  void theFloatExpIsWithinThreeUlpOnTheSoftmaxRange() {
    double worst = 0;
    float[] xs = new float[4_000_004];
    for (int i = 0; i <= 4_000_000; i++) {
      float x = -87f * i / 4_000_000f;
      xs[i] = x;
      double exact = Math.exp(x);
      double ulps = Math.abs(FloatMath.exp(x) - exact) / Math.ulp((float) exact);
      worst = Math.max(worst, ulps);
    }
    xs[4_000_001] = Float.NEGATIVE_INFINITY;
    xs[4_000_002] = Float.NaN;
    xs[4_000_003] = -200f;
    // the vectorised array form is the scalar one, bit for bit
    float[] ys = xs.clone();
    FloatMath.exp(ys, new float[ys.length], ys.length);
    for (int i = 0; i < xs.length; i++) {
      if (Float.floatToIntBits(ys[i]) != Float.floatToIntBits(FloatMath.exp(xs[i]))) {
        throw new AssertionError("exp array form at x = " + xs[i] + ": " + ys[i] + " != "
            + FloatMath.exp(xs[i]));
      }
    }
    System.out.printf("float exp worst error: %.2f ulp%n", worst);
    assertThat(worst).isLessThanOrEqualTo(3);
    assertThat(FloatMath.exp(0f)).isEqualTo(1f);
    assertThat(FloatMath.exp(Float.NEGATIVE_INFINITY)).isLessThan(2e-38f).isPositive();
    assertThat(FloatMath.exp(Float.NaN)).isNaN();
  }

  @Test
  void theFloat32HeadMatchesTheDoubleKernelToFloatPrecision() throws InterruptedException {
    headMatches(50, 7); // one chunk
    headMatches(1500, 7); // rows across chunks of the per-thread scratch
    onNewThread(() -> headMatches(3, 9000)); // a row wider than a chunk
  }

  /**
   * Each probability p within 6.5 ulp of the double one (its exp's 3 ulp, up to 3 ulp of the
   * row's sum, half for the rounding to float) plus the float rounding of the biased logits and
   * of the shifted one z &minus; max, at most (2 max|z| &minus; ln p + ln k) 2<sup>&minus;24</sup>
   * relative; each logit gradient within that over n plus its own rounding.
   */
  private static void headMatches(int n, int k) {
    SplittableRandom rng = new SplittableRandom(8);
    INDArray z = Nd4j.create(DataType.FLOAT, n, k);
    INDArray theta = Nd4j.create(DataType.FLOAT, 3 + k);
    int[] y = new int[n];
    for (int i = 0; i < n * k; i++) {
      z.data().put(i, (float) (6 * rng.nextGaussian()));
    }
    for (int c = 0; c < 3 + k; c++) {
      theta.data().put(c, (float) rng.nextGaussian());
    }
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(k);
    }
    INDArray zd = z.castTo(DataType.DOUBLE);
    INDArray td = theta.castTo(DataType.DOUBLE);
    INDArray s = Nd4j.create(DataType.FLOAT, n, k);
    INDArray d = Nd4j.create(DataType.FLOAT, n, k);
    INDArray sd = Nd4j.create(DataType.DOUBLE, n, k);
    INDArray dd = Nd4j.create(DataType.DOUBLE, n, k);
    double[] losses = new double[n];
    double[] lossesD = new double[n];
    FloatLoops.softmax(z.data().asNioFloat(), theta.data().asNioFloat(), 3, n, k,
        IntBuffer.wrap(y), s.data().asNioFloat(), d.data().asNioFloat(), losses, 1.0 / n);
    Kernels64.softmax(zd.data().asNioDouble(), td.data().asNioDouble(), 3, n, k, IntBuffer.wrap(y),
        sd.data().asNioDouble(), dd.data().asNioDouble(), lossesD, 1.0 / n);
    for (int i = 0; i < n; i++) {
      assertThat(losses[i]).isCloseTo(lossesD[i], org.assertj.core.data.Offset.offset(1e-5));
      double maxAbs = zd.getRow(i).amaxNumber().doubleValue();
      for (int c = 0; c < k; c++) {
        double p = sd.getDouble(i, c);
        double ulps = 6.5 * Math.ulp((float) p)
            + p * (2 * maxAbs + Math.log(k) - Math.log(p)) * 0x1p-24;
        assertThat((double) s.getFloat(i, c)).isCloseTo(sd.getDouble(i, c),
            org.assertj.core.data.Offset.offset(ulps));
        assertThat((double) d.getFloat(i, c)).isCloseTo(dd.getDouble(i, c),
            org.assertj.core.data.Offset.offset(ulps / n + Math.ulp((float) dd.getDouble(i, c))));
      }
    }
  }

  /**
   * Column sums accumulate in double: each is its exact sum rounded once to float (the double
   * accumulation's own error, at most rows 2<sup>&minus;53</sup> &Sigma;|m|, is far below); shapes that
   * span scratch chunks and a row wider than a chunk (on a new thread, whose scratch has not grown).
   */
  @Test
  void columnSumsAreTheExactSumsRoundedOnce() throws InterruptedException {
    columnSums(new int[][] {{1437, 128}, {1437, 10}, {1, 5}, {9, 3}});
    onNewThread(() -> columnSums(new int[][] {{13, 20_000}}));
  }

  /**
   * Runs a case on a new thread: the per-thread scratch only grows, so a case wider than a chunk
   * exercises the wide path only on a thread that has not run a wider one.
   */
  private static void onNewThread(Runnable check) throws InterruptedException {
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread t = new Thread(check);
    t.setUncaughtExceptionHandler((thread, e) -> failure.set(e));
    t.start();
    t.join();
    assertThat(failure.get()).isNull();
  }

  private static void columnSums(int[][] shapes) {
    SplittableRandom rng = new SplittableRandom(4);
    for (int[] shape : shapes) {
      int rows = shape[0];
      int cols = shape[1];
      INDArray m = Nd4j.create(DataType.FLOAT, rows, cols);
      for (int i = 0; i < rows * cols; i++) {
        m.data().put(i, (float) (rng.nextGaussian() * Math.exp(3 * rng.nextGaussian())));
      }
      INDArray out = Nd4j.create(DataType.FLOAT, 2 + cols);
      FloatLoops.colSums(m.data().asNioFloat(), rows, cols, out.data().asNioFloat(), 2,
          new double[cols]);
      for (int c = 0; c < cols; c++) {
        double exact = 0;
        double abs = 0;
        for (int i = 0; i < rows; i++) {
          exact += m.getFloat(i, c);
          abs += Math.abs(m.getFloat(i, c));
        }
        double bound = 0.5 * Math.ulp((float) exact) + rows * 0x1p-53 * abs;
        assertThat((double) out.getFloat(2 + c)).as("%d x %d column %d", rows, cols, c)
            .isCloseTo(exact, org.assertj.core.data.Offset.offset(bound));
      }
    }
  }
}

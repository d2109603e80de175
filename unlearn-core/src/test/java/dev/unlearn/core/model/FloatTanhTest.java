package dev.unlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The float32 tanh against {@link Math#tanh} (float64, rounded), and its layer on buffers. */
class FloatTanhTest {

  @Test
  void withinEightUlpOfTheRoundedTruthEverywhereAndOddAndBounded() {
    double worst = 0;
    float worstAt = 0;
    for (int i = -2_000_000; i <= 2_000_000; i++) {
      float x = i * 6e-6f; // [-12, 12]
      float t = FloatTanh.tanh(x);
      double exact = Math.tanh(x);
      double ulps = Math.abs(t - exact) / Math.ulp((float) exact);
      if (ulps > worst) {
        worst = ulps;
        worstAt = x;
      }
      assertThat(FloatTanh.tanh(-x)).isEqualTo(-t);
      assertThat(Math.abs(t)).isLessThanOrEqualTo(1f);
    }
    for (float x : new float[] {1e-30f, 1e-10f, 3e-4f, Float.MIN_VALUE}) {
      assertThat(Math.abs(FloatTanh.tanh(x) - x)).isLessThanOrEqualTo(Math.ulp(x));
    }
    System.out.printf("float tanh worst error: %.2f ulp at %s%n", worst, worstAt);
    assertThat(worst).isLessThanOrEqualTo(8);
    assertThat(FloatTanh.tanh(Float.NaN)).isNaN();
    // saturates within two ulps of ±1 (the rational at the clamp gives 1 - 1.2e-7)
    assertThat(FloatTanh.tanh(Float.POSITIVE_INFINITY)).isBetween(1f - 2 * Math.ulp(0.9f), 1f);
    assertThat(FloatTanh.tanh(Float.NEGATIVE_INFINITY)).isBetween(-1f, -1f + 2 * Math.ulp(0.9f));
    assertThat(FloatTanh.tanh(0f)).isEqualTo(0f);
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
    INDArray a = Nd4j.create(DataType.FLOAT, n, h);
    INDArray f1 = Nd4j.create(DataType.FLOAT, n, h);
    FloatBuffer zb = z.data().asNioFloat();
    FloatTanh.activate(zb, theta.data().asNioFloat(), 10, n, h, a.data().asNioFloat(),
        f1.data().asNioFloat());
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < h; c++) {
        float x = before.getFloat(i, c) + theta.getFloat(10 + c);
        float t = FloatTanh.tanh(x);
        assertThat(z.getFloat(i, c)).isEqualTo(x);
        assertThat(a.getFloat(i, c)).isEqualTo(t);
        assertThat(f1.getFloat(i, c)).isEqualTo(1f - t * t);
      }
    }
  }
}

package dev.unlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.IntBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The float exp against {@link Math#exp}, and the float32 softmax head against the double one. */
class FloatSoftmaxTest {

  @Test
  void theFloatExpIsWithinThreeUlpOnTheSoftmaxRange() {
    double worst = 0;
    for (int i = 0; i <= 4_000_000; i++) {
      float x = -87f * i / 4_000_000f;
      double exact = Math.exp(x);
      double ulps = Math.abs(FloatSoftmax.exp(x) - exact) / Math.ulp((float) exact);
      worst = Math.max(worst, ulps);
    }
    System.out.printf("float exp worst error: %.2f ulp%n", worst);
    assertThat(worst).isLessThanOrEqualTo(3);
    assertThat(FloatSoftmax.exp(0f)).isEqualTo(1f);
    assertThat(FloatSoftmax.exp(Float.NEGATIVE_INFINITY)).isLessThan(2e-38f).isPositive();
    assertThat(FloatSoftmax.exp(Float.NaN)).isNaN();
  }

  @Test
  void theHeadMatchesTheDoubleKernelToFloatPrecision() {
    int n = 50;
    int k = 7;
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
    FloatSoftmax.softmax(z.data().asNioFloat(), theta.data().asNioFloat(), 3, n, k,
        IntBuffer.wrap(y), s.data().asNioFloat(), d.data().asNioFloat(), losses, 1.0 / n);
    Kernels64.softmax(zd.data().asNioDouble(), td.data().asNioDouble(), 3, n, k, IntBuffer.wrap(y),
        sd.data().asNioDouble(), dd.data().asNioDouble(), lossesD, 1.0 / n);
    for (int i = 0; i < n; i++) {
      assertThat(losses[i]).isCloseTo(lossesD[i], org.assertj.core.data.Offset.offset(1e-5));
      for (int c = 0; c < k; c++) {
        assertThat((double) s.getFloat(i, c)).isCloseTo(sd.getDouble(i, c),
            org.assertj.core.data.Offset.offset(2e-7));
        assertThat((double) d.getFloat(i, c)).isCloseTo(dd.getDouble(i, c),
            org.assertj.core.data.Offset.offset(2e-7 / n));
      }
    }
  }
}

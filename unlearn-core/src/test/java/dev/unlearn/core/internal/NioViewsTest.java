package dev.unlearn.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.nio.DoubleBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The per-thread cache of NIO views: reuse, one view per operand, and no buffer kept alive. */
class NioViewsTest {

  @Test
  void aViewIsReusedPerOperandAndSeesTheStorageAtItsOffset() {
    double[] values = new double[30];
    java.util.Arrays.setAll(values, i -> i);
    INDArray big = Nd4j.create(values, new long[] {3, 10}, 'c');
    INDArray row = big.get(NDArrayIndex.point(2), NDArrayIndex.all());
    DoubleBuffer first = NioViews.doubles(row, 0);
    assertThat(NioViews.doubles(row, 0)).isSameAs(first);
    assertThat(NioViews.doubles(row, 1)).isNotSameAs(first); // two operands, two positions
    assertThat(first.position()).isZero();
    DoubleBuffer at = NioViews.doublesAt(row, 0);
    assertThat(at.position()).isEqualTo((int) row.offset());
    assertThat(at.get(at.position())).isEqualTo(row.getDouble(0));
    assertThat(NioViews.doublesAt(row, 1).get((int) row.offset() + 3)).isEqualTo(23.0);
    assertThat(NioViews.fits(big)).isTrue();
  }

  @Test
  void aCachedViewDoesNotKeepItsBufferAlive() throws InterruptedException {
    INDArray x = Nd4j.create(DataType.DOUBLE, 1000);
    WeakReference<DataBuffer> ref = new WeakReference<>(x.data());
    NioViews.doubles(x, 0);
    x = null;
    for (int i = 0; i < 50 && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(ref.get()).as("the buffer is collectable while its view is cached").isNull();
  }
}

package dev.unlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.ModelPoint;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A block of directions wider than the workspace cap (it overflowed a 2 GiB buffer with 512
 * columns on the digits MLP) is computed in chunks: every column equals the single-direction
 * product, for the Gauss-Newton and the exact Hessian products.
 */
class WideBlockProductTest {

  @Test
  void aBlockPastTheWorkspaceCapIsChunkedAndEqualsColumnByColumnProducts() {
    int n = 20_000;
    Mlp model = Mlp.of(Activation.TANH, 5, 160, 3).withL2(1e-3);
    SplittableRandom rng = new SplittableRandom(3);
    double[][] x = new double[n][5];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 5; j++) {
        x[i][j] = rng.nextGaussian();
      }
      y[i] = rng.nextInt(3);
    }
    Dataset data = Dataset.of(Nd4j.createFromArray(x), y, 3);
    ModelPoint at = model.at(model.initialParameters(1), data);
    int chunk = ((NetworkPoint) at).maxBlockColumns();
    int r = 2 * chunk + 4; // one workspace for r columns would pass 2 GiB (the cap is 1 GiB)
    assertThat(chunk).as("this test needs a cap below its block width").isLessThan(r).isGreaterThan(1);
    int p = model.numParameters();
    INDArray v = Nd4j.rand(DataType.DOUBLE, p, r).subi(0.5);
    INDArray before = v.dup();
    INDArray ggn = at.gaussNewtonVectorProduct(v);
    INDArray hvp = at.hessianVectorProduct(v);
    assertThat(v).isEqualTo(before);
    double worst = 0;
    for (int c : new int[] {0, chunk - 1, chunk, 2 * chunk, r - 1}) {
      INDArray col = v.get(NDArrayIndex.all(), NDArrayIndex.point(c)).dup();
      INDArray g1 = at.gaussNewtonVectorProduct(col);
      INDArray h1 = at.hessianVectorProduct(col);
      worst = Math.max(worst, ggn.getColumn(c).sub(g1).norm2Number().doubleValue()
          / g1.norm2Number().doubleValue());
      worst = Math.max(worst, hvp.getColumn(c).sub(h1).norm2Number().doubleValue()
          / h1.norm2Number().doubleValue());
    }
    System.out.printf("block of %d columns in chunks of %d: worst relative gap to single products "
        + "%.1e%n", r, chunk, worst);
    assertThat(worst).isLessThan(1e-12);
    // into v itself: the overlapping last chunk rereads written columns but keeps only its own
    INDArray w = v.dup();
    assertThat(at.hessianVectorProduct(w, w)).isSameAs(w);
    assertThat(w.ravel().toDoubleVector()).containsExactly(hvp.ravel().toDoubleVector());
  }
}

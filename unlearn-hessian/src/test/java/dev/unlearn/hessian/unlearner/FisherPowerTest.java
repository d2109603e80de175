package dev.unlearn.hessian.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.testkit.Tolerance;
import dev.unlearn.hessian.testing.Dense;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FisherPowerTest {

  @Test
  void powersMatchADenseEigendecompositionWhetherMIsBelowOrAboveP() {
    for (int m : new int[] {7, 20, 45}) { // the m x m Gram side, both equal, the p x p side
      powersMatchADenseEigendecomposition(m);
    }
  }

  private static void powersMatchADenseEigendecomposition(int m) {
    long seed = 51;
    System.out.println("FisherPowerTest seed=" + seed + " m=" + m);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 20;
    double lambda = 1e-2;
    double[][] g = Dense.gaussian(m, p, rng);
    double[][] f = Dense.mul(Dense.transpose(g), g);
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        f[i][j] /= m;
      }
      f[i][i] += lambda;
    }
    FisherPower power = FisherPower.of(Dense.nd(g), lambda);
    assertThat(power.rank()).isEqualTo(Math.min(m, p));
    INDArray x = Dense.nd(Dense.gaussian(p, 3, rng));
    for (double a : new double[] {-0.25, -1, 0.5, 1}) {
      double[][] expected = Dense.mul(Dense.power(f, a), Dense.matrix(x));
      Tolerance.of(1e-10, 1e-9).assertClose(power.apply(x, a), Dense.nd(expected));
    }
    // F^-1/4 F^-1/4 F^-1/4 F^-1/4 F = I
    INDArray v = Dense.nd(Dense.gaussian(p, rng)).reshape(p);
    INDArray fv = Dense.nd(Dense.mul(f, Dense.vector(v)));
    INDArray y = fv;
    for (int i = 0; i < 4; i++) {
      y = power.apply(y, -0.25);
    }
    Tolerance.of(1e-10, 1e-9).assertClose(y, v);
  }

  @Test
  void zeroGradientsGiveTheDampingPower() {
    FisherPower power = FisherPower.of(Nd4j.zeros(DataType.DOUBLE, 3, 5), 16.0);
    assertThat(power.rank()).isZero();
    INDArray x = Nd4j.ones(DataType.DOUBLE, 5);
    Tolerance.of(1e-15, 1e-14).assertClose(power.apply(x, -0.25), x.mul(0.5));
  }
}

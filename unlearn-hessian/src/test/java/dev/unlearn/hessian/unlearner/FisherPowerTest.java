package dev.unlearn.hessian.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.core.testing.Tolerance;
import dev.unlearn.hessian.testing.Dense;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FisherPowerTest {

  /** F^a by a dense eigendecomposition (Jacobi rotations on the p x p matrix, test-only code). */
  static double[][] densePower(double[][] f, double a) {
    int n = f.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = f[i].clone();
    }
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          off += m[i][j] * m[i][j];
        }
      }
      if (off < 1e-30) {
        break;
      }
      for (int pi = 0; pi < n; pi++) {
        for (int q = pi + 1; q < n; q++) {
          if (Math.abs(m[pi][q]) < 1e-300) {
            continue;
          }
          double theta = (m[q][q] - m[pi][pi]) / (2 * m[pi][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) {
            double mkp = m[k][pi];
            double mkq = m[k][q];
            m[k][pi] = c * mkp - s * mkq;
            m[k][q] = s * mkp + c * mkq;
          }
          for (int k = 0; k < n; k++) {
            double mpk = m[pi][k];
            double mqk = m[q][k];
            m[pi][k] = c * mpk - s * mqk;
            m[q][k] = s * mpk + c * mqk;
          }
          for (int k = 0; k < n; k++) {
            double vkp = v[k][pi];
            double vkq = v[k][q];
            v[k][pi] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int k = 0; k < n; k++) {
          sum += v[i][k] * Math.pow(m[k][k], a) * v[j][k];
        }
        out[i][j] = sum;
      }
    }
    return out;
  }

  @Test
  void powersMatchADenseEigendecomposition() {
    long seed = 51;
    System.out.println("FisherPowerTest seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int m = 7;
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
    assertThat(power.rank()).isEqualTo(m);
    INDArray x = Dense.nd(Dense.gaussian(p, 3, rng));
    for (double a : new double[] {-0.25, -1, 0.5, 1}) {
      double[][] expected = Dense.mul(densePower(f, a), Dense.matrix(x));
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

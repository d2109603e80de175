package dev.unlearn.core.model;

import static dev.unlearn.testkit.Numerics.arr;
import static dev.unlearn.testkit.Numerics.relErr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.testkit.Numerics;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class LogisticRegressionTest extends NetworkDerivativesContract {

  @Override
  int[] sizes() {
    return new int[] {5, 3};
  }

  @Override
  Activation activation() {
    return null;
  }

  @Override
  protected Model newModel() {
    return LogisticRegression.of(5, 3).withL2(L2);
  }

  @Test
  void hessianMatchesTheClosedFormBuiltDensely() {
    // H = [X 1]^T-blocks of (diag s_i - s_i s_i^T) / n + l2 I, in the layout [W (d x k), b].
    int d = 5;
    int k = 3;
    double[][] x = Problems.features(data);
    double[] s = arr(model.at(th, data).probabilities());
    double[][] h = new double[p][p];
    for (int i = 0; i < N; i++) {
      double[] xi = new double[d + 1];
      System.arraycopy(x[i], 0, xi, 0, d);
      xi[d] = 1; // the bias block sits after W, index d * k + c
      for (int a = 0; a <= d; a++) {
        for (int c = 0; c < k; c++) {
          int qa = a < d ? a * k + c : d * k + c;
          for (int b = 0; b <= d; b++) {
            for (int e = 0; e < k; e++) {
              int qb = b < d ? b * k + e : d * k + e;
              double hce = (c == e ? s[i * k + c] : 0) - s[i * k + c] * s[i * k + e];
              h[qa][qb] += xi[a] * hce * xi[b] / N;
            }
          }
        }
      }
    }
    for (int q = 0; q < p; q++) {
      h[q][q] += L2;
    }
    double err = relErr(denseFromHvps(true), h);
    double[] v = randomV(70);
    double hvErr = relErr(hvp(v), Numerics.matVec(h, v));
    report("dense Hessian from HVPs vs closed form rel err", err);
    report("HVP vs closed-form H v rel err", hvErr);
    assertThat(err).isLessThanOrEqualTo(1e-10);
    assertThat(hvErr).isLessThanOrEqualTo(1e-10);
  }

  @Test
  void gaussNewtonEqualsHessianForLogisticRegression() {
    double worst = 0;
    for (int t = 0; t < 3; t++) {
      double[] v = randomV(80 + t);
      worst = Math.max(worst, relErr(ggn(v), hvp(v)));
    }
    report("GGN vs Hessian rel err", worst);
    assertThat(worst).isLessThanOrEqualTo(1e-10);
  }

  @Test
  void describesItself() {
    LogisticRegression m = LogisticRegression.of(64, 10);
    assertThat(m.name()).isEqualTo("logistic(64->10)");
    assertThat(m.numParameters()).isEqualTo(650);
    assertThat(m.l2()).isZero();
    assertThat(m.dataType()).isEqualTo(DataType.DOUBLE);
    assertThat(m.withL2(0.5).l2()).isEqualTo(0.5);
    assertThat(m.withL2(0.5).withDataType(DataType.FLOAT)).isEqualTo(m.withDataType(DataType.FLOAT).withL2(0.5));
    assertThat(m.hasExactHessian()).isTrue();
    assertThatThrownBy(() -> LogisticRegression.of(0, 3))
        .isInstanceOf(InvalidInputException.class).hasMessage("numInputs (0) must be >= 1");
    assertThatThrownBy(() -> LogisticRegression.of(3, 1))
        .isInstanceOf(InvalidInputException.class).hasMessage("numClasses (1) must be >= 2");
  }
}

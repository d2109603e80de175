package dev.unlearn.hessian.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.testkit.Fixture;
import dev.unlearn.testkit.Tolerance;
import dev.unlearn.testkit.UnlearnerConformanceTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FisherRemovalUnlearnerTest extends UnlearnerConformanceTest {
  @Override
  protected Unlearner unlearner() {
    return new FisherRemovalUnlearner();
  }

  @Override
  protected Fixture createFixture() {
    return Fixture.mlp();
  }

  @Override
  protected Map<String, Object> fastHyperparameters() {
    return Map.of("fisher-samples", 64);
  }

  @Test
  void stepIsTheDenseFisherSolve() {
    // oracle: F = lambda I + (1/m) G^T G formed densely from all retain rows, solved by Gaussian
    // elimination; step = (n_f / n_r) F^-1 g_f
    double lambda = 1e-2;
    UnlearningResult r = run(request().hyperparameters(Map.of("fisher-samples", 100_000,
        "fisher-damping", lambda, "step-size", 1.0)).build());
    var model = fixture.model();
    var retain = fixture.train().without(fixture.forget());
    double[][] g = model.perExampleGradients(fixture.theta(), retain).toDoubleMatrix();
    int p = model.numParameters();
    double[][] f = new double[p][p];
    for (double[] row : g) {
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < p; j++) {
          f[i][j] += row[i] * row[j] / g.length;
        }
      }
    }
    for (int i = 0; i < p; i++) {
      f[i][i] += lambda;
    }
    double[] gf = model.gradient(fixture.theta(), fixture.train().rows(fixture.forget()))
        .toDoubleVector();
    double[] x = dev.unlearn.hessian.testing.Dense.solve(f, gf);
    double scale = fixture.forget().length / (double) retain.size();
    double[] expected = fixture.theta().toDoubleVector();
    for (int i = 0; i < p; i++) {
      expected[i] += scale * x[i];
    }
    Tolerance.of(1e-9, 1e-7).assertClose(r.parameters().toDoubleVector(), expected);
    assertThat(r.diagnostics().get("fisher-samples")).isEqualTo((double) retain.size());
  }
}

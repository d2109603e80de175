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

class SsdUnlearnerTest extends UnlearnerConformanceTest {
  @Override
  protected Unlearner unlearner() {
    return new SsdUnlearner();
  }

  @Override
  protected Fixture createFixture() {
    return Fixture.mlp();
  }

  @Override
  protected Map<String, Object> fastHyperparameters() {
    return Map.of();
  }

  @Test
  void dampensExactlyTheSelectedParameters() {
    double alpha = 2.0;
    double lambda = 0.5;
    UnlearningResult r = run(request().hyperparameters(Map.of("alpha", alpha, "lambda", lambda,
        "reference", "retain")).build());
    var model = fixture.model();
    var retain = fixture.train().without(fixture.forget());
    var forget = fixture.train().rows(fixture.forget());
    double[][] gf = model.perExampleGradients(fixture.theta(), forget).toDoubleMatrix();
    double[][] gr = model.perExampleGradients(fixture.theta(), retain).toDoubleMatrix();
    double[] theta = fixture.theta().toDoubleVector();
    double[] expected = theta.clone();
    int count = 0;
    for (int j = 0; j < theta.length; j++) {
      double f = 0;
      double rr = 0;
      for (double[] row : gf) {
        f += row[j] * row[j] / gf.length;
      }
      for (double[] row : gr) {
        rr += row[j] * row[j] / gr.length;
      }
      if (f > alpha * rr) {
        expected[j] *= Math.min(lambda * rr / f, 1);
        count++;
      }
    }
    System.out.printf("ssd: %d of %d parameters dampened%n", count, theta.length);
    assertThat(count).isPositive();
    assertThat(r.diagnostics().get("dampened")).isEqualTo((double) count);
    Tolerance.forType(DataType.DOUBLE).assertClose(r.parameters().toDoubleVector(), expected);
  }
}

package dev.unlearn.hessian.unlearner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.NonConvergenceException;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.data.SyntheticData;
import dev.unlearn.testkit.Tolerance;
import dev.unlearn.testkit.UnlearnerConformanceTest;
import dev.unlearn.hessian.testing.Dense;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NewtonUnlearnerTest extends UnlearnerConformanceTest {
  @Override
  protected Unlearner unlearner() {
    return new NewtonUnlearner();
  }

  /** The minimiser of the quadratic model's objective by a dense solve of the normal equations. */
  static double[] quadraticMinimiser(int d, int k, double l2, Dataset data) {
    int p = (d + 1) * k;
    double[][] a = new double[p][p];
    double[] b = new double[p];
    double[][] x = data.features().toDoubleMatrix();
    int n = x.length;
    for (int i = 0; i < n; i++) {
      double[] xt = new double[d + 1];
      System.arraycopy(x[i], 0, xt, 0, d);
      xt[d] = 1;
      for (int j1 = 0; j1 <= d; j1++) {
        for (int j2 = 0; j2 <= d; j2++) {
          for (int c = 0; c < k; c++) {
            a[j1 * k + c][j2 * k + c] += xt[j1] * xt[j2] / n;
          }
        }
        b[j1 * k + data.label(i)] += xt[j1] / n;
      }
    }
    for (int j = 0; j < p; j++) {
      a[j][j] += l2;
    }
    return Dense.solve(a, b);
  }

  @Test
  void oneStepIsExactOnAQuadraticObjective() {
    long seed = 23;
    System.out.println("NewtonUnlearnerTest quadratic seed=" + seed);
    int d = 5;
    int k = 3;
    double l2 = 1e-2;
    Split s = SyntheticData.generate(120, d, k, seed, 30);
    QuadraticModel model = new QuadraticModel(d, k, l2);
    INDArray theta = Nd4j.createFromArray(quadraticMinimiser(d, k, l2, s.train()));
    int[] forget = ForgetSets.randomFraction(s.train(), 0.2, seed);
    double[] retrained = quadraticMinimiser(d, k, l2, s.train().without(forget));
    for (String solver : new String[] {"cg", "direct"}) {
      UnlearningResult r = new NewtonUnlearner().unlearn(UnlearningRequest.builder(model, theta,
          s.train()).forgetRows(forget).hyperparameter("solver", solver)
          .hyperparameter("tolerance", 1e-14).build());
      double err = Tolerance.relativeError(r.parameters().toDoubleVector(), retrained);
      System.out.printf("newton on a quadratic (%s): |theta' - theta_r|/|theta_r| = %.3g, "
          + "|grad| after %.3g%n", solver, err, r.diagnostics().get("gradient-norm-after"));
      Tolerance.of(1e-10, 0).assertClose(r.parameters().toDoubleVector(), retrained);
    }
  }

  @Test
  void dampingShortensTheStepByTheDenseFormula() {
    long seed = 29;
    System.out.println("NewtonUnlearnerTest damping seed=" + seed);
    int d = 4;
    int k = 3;
    double l2 = 1e-2;
    double delta = 0.5;
    Split s = SyntheticData.generate(60, d, k, seed, 20);
    QuadraticModel model = new QuadraticModel(d, k, l2);
    INDArray theta = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, model.numParameters());
    int[] forget = {1, 5, 9};
    Dataset retain = s.train().without(forget);
    // dense oracle: theta - (H + delta I)^-1 grad at theta = 0, where grad = -(1/n) Phi^T Y
    double[] g = model.at(theta, retain).gradient().toDoubleVector();
    double[][] h = Dense.matrix(model.at(theta, retain).hessianVectorProduct(
        Nd4j.eye(model.numParameters()).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)));
    for (int j = 0; j < h.length; j++) {
      h[j][j] += delta;
    }
    double[] x = Dense.solve(h, g);
    for (int j = 0; j < x.length; j++) {
      x[j] = -x[j];
    }
    for (String curvature : new String[] {"hessian", "ggn"}) {
      UnlearningResult r = new NewtonUnlearner().unlearn(UnlearningRequest.builder(model, theta,
          s.train()).forgetRows(forget).hyperparameters(Map.of("damping", delta, "curvature",
              curvature, "tolerance", 1e-13)).build());
      Tolerance.of(1e-10, 1e-9).assertClose(r.parameters().toDoubleVector(), x);
    }
  }

  @Test
  void directRefusesLargeModelsAndNystromNeedsDamping() {
    UnlearningRequest big = request().hyperparameter("solver", "pcg-nystrom").build();
    assertThatThrownBy(() -> run(big)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("damping (0.0) must be > 0");
    dev.unlearn.api.Model mlp = dev.unlearn.core.model.Mlp.of(
        dev.unlearn.core.model.Activation.TANH, 8, 700, 3);
    INDArray theta = mlp.initialParameters(1);
    UnlearningRequest r = UnlearningRequest.builder(mlp, theta, fixture.train())
        .forgetRows(fixture.forget()).hyperparameter("solver", "direct").build();
    assertThatThrownBy(() -> run(r)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("p (" + mlp.numParameters() + ") must be <= 5000");
  }

  @Test
  void solverFailurePropagatesAsTypedNonConvergence() {
    UnlearningRequest r = request().hyperparameters(Map.of("max-iterations", 2,
        "tolerance", 1e-12)).build();
    assertThatThrownBy(() -> run(r)).isInstanceOf(NonConvergenceException.class)
        .satisfies(e -> assertThat(((NonConvergenceException) e).iterations()).isEqualTo(2));
  }
}

package dev.unlearn.hessian.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.data.SyntheticData;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.testkit.Tolerance;
import dev.unlearn.hessian.solve.Solvers;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The curvature operators and solvers on the real model families, against dense oracles: the
 * Hessian built column by column from central differences of the gradient, and a dense
 * Gaussian-elimination solve.
 */
class ModelOperatorsTest {
  static final long SEED = 20261123L;
  static final Split DATA = SyntheticData.generate(60, 5, 3, SEED, 10);

  static List<Model> models() {
    return List.of(LogisticRegression.of(5, 3).withL2(1e-2),
        Mlp.of(Activation.TANH, 5, 7, 3).withL2(1e-2));
  }

  static INDArray theta(Model m) {
    SplittableRandom r = new SplittableRandom(SEED);
    double[] t = new double[m.numParameters()];
    for (int i = 0; i < t.length; i++) {
      t[i] = 0.5 * (r.nextDouble() * 2 - 1);
    }
    return Nd4j.createFromArray(t);
  }

  static double[][] fdHessian(Model m, INDArray theta, Dataset d) {
    int p = m.numParameters();
    double h = 1e-5;
    double[][] cols = new double[p][];
    for (int j = 0; j < p; j++) {
      INDArray plus = theta.dup();
      INDArray minus = theta.dup();
      plus.putScalar(j, theta.getDouble(j) + h);
      minus.putScalar(j, theta.getDouble(j) - h);
      double[] gp = m.gradient(plus, d).toDoubleVector();
      double[] gm = m.gradient(minus, d).toDoubleVector();
      cols[j] = new double[p];
      for (int i = 0; i < p; i++) {
        cols[j][i] = (gp[i] - gm[i]) / (2 * h);
      }
    }
    return cols; // column-major: cols[j][i] = H[i][j]
  }

  static double relErr(INDArray dense, double[][] cols) {
    int p = cols.length;
    double num = 0;
    double den = 0;
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        double diff = dense.getDouble(i, j) - cols[j][i];
        num += diff * diff;
        den += cols[j][i] * cols[j][i];
      }
    }
    return Math.sqrt(num / den);
  }

  /** Gaussian elimination with partial pivoting, written here as the independent oracle. */
  static double[] denseSolve(double[][] cols, double delta, double[] b) {
    int p = b.length;
    double[][] a = new double[p][p + 1];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        a[i][j] = cols[j][i] + (i == j ? delta : 0);
      }
      a[i][p] = b[i];
    }
    for (int c = 0; c < p; c++) {
      int piv = c;
      for (int r = c + 1; r < p; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
          piv = r;
        }
      }
      double[] t = a[c];
      a[c] = a[piv];
      a[piv] = t;
      for (int r = c + 1; r < p; r++) {
        double f = a[r][c] / a[c][c];
        for (int k = c; k <= p; k++) {
          a[r][k] -= f * a[c][k];
        }
      }
    }
    double[] x = new double[p];
    for (int i = p - 1; i >= 0; i--) {
      double s = a[i][p];
      for (int k = i + 1; k < p; k++) {
        s -= a[i][k] * x[k];
      }
      x[i] = s / a[i][i];
    }
    return x;
  }

  @Test
  void hessianOperatorMatchesTheFiniteDifferenceHessian() {
    for (Model m : models()) {
      INDArray th = theta(m);
      ModelPoint at = m.at(th, DATA.train());
      double err = relErr(Operators.hessian(at).toDense(), fdHessian(m, th, DATA.train()));
      System.out.printf("%s: Hessian operator vs FD Hessian rel err %.2e (seed %d)%n", m.name(), err,
          SEED);
      assertThat(err).isLessThanOrEqualTo(1e-6);
    }
  }

  @Test
  void gaussNewtonEqualsTheHessianForLogisticRegression() {
    Model m = models().get(0);
    ModelPoint at = m.at(theta(m), DATA.train());
    INDArray h = Operators.hessian(at).toDense();
    INDArray g = Operators.gaussNewton(at).toDense();
    assertThat(Tolerance.relativeError(g, h)).isLessThanOrEqualTo(1e-12);
  }

  @Test
  void solversOnTheModelHessianMatchADenseSolve() {
    // damping large enough that H + delta I is positive definite for the MLP at a random theta
    // (its Hessian there is indefinite: CG rightly throws NonPositiveCurvatureException at 0.05)
    double delta = 1.0;
    for (Model m : models()) {
      INDArray th = theta(m);
      ModelPoint at = m.at(th, DATA.train());
      int p = m.numParameters();
      double[] b = new double[p];
      SplittableRandom r = new SplittableRandom(SEED + 1);
      for (int i = 0; i < p; i++) {
        b[i] = r.nextGaussian();
      }
      double[] exact = denseSolve(fdHessian(m, th, DATA.train()), delta, b);
      INDArray rhs = Nd4j.createFromArray(b);
      CurvatureOperator op = Operators.hessian(at).damped(delta);
      double cgErr = Tolerance.relativeError(Solvers.cg(op, rhs, 1e-10, 10 * p).solution(),
          Nd4j.createFromArray(exact));
      double cholErr = Tolerance.relativeError(Solvers.cholesky(op).apply(rhs),
          Nd4j.createFromArray(exact));
      System.out.printf("%s: CG vs dense %.2e, Cholesky vs dense %.2e%n", m.name(), cgErr, cholErr);
      // the FD Hessian of the oracle carries ~1e-9 relative error, which bounds the agreement
      assertThat(cgErr).isLessThanOrEqualTo(1e-6);
      assertThat(cholErr).isLessThanOrEqualTo(1e-6);
      // and CG against the exact operator's own Cholesky, to the solver tolerance
      assertThat(Tolerance.relativeError(Solvers.cg(op, rhs, 1e-10, 10 * p).solution(),
          Solvers.cholesky(op).apply(rhs))).isLessThanOrEqualTo(1e-8);
    }
  }

  @Test
  void blockApplicationEqualsColumnByColumn() {
    Model m = models().get(1);
    ModelPoint at = m.at(theta(m), DATA.train());
    CurvatureOperator op = Operators.hessian(at);
    int p = m.numParameters();
    INDArray block = Nd4j.rand(DataType.DOUBLE, p, 3).subi(0.5);
    INDArray out = op.apply(block);
    for (int c = 0; c < 3; c++) {
      INDArray col = op.apply(block.getColumn(c).dup());
      assertThat(Tolerance.relativeError(out.getColumn(c), col)).isLessThanOrEqualTo(1e-12);
    }
  }
}

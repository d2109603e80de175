package dev.unlearn.hessian.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.testkit.Tolerance;
import dev.unlearn.hessian.testing.Dense;
import dev.unlearn.hessian.testing.MatrixModelPoint;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class OperatorsTest {
  private static final Tolerance TOL = Tolerance.forType(DataType.DOUBLE);

  /** Checks op against the dense oracle on a vector, a p x 1 column, a p x k block and via toDense. */
  private static void assertMatches(CurvatureOperator op, double[][] oracle, SplittableRandom rng) {
    int p = oracle.length;
    assertThat(op.dimension()).isEqualTo(p);
    double[] v = Dense.gaussian(p, rng);
    long before = op.matvecs();
    TOL.assertClose(Dense.vector(op.apply(Dense.nd(v))), Dense.mul(oracle, v));
    INDArray out = Nd4j.create(DataType.DOUBLE, p, 1);
    op.apply(Dense.nd(v).reshape(p, 1), out);
    TOL.assertClose(Dense.vector(out), Dense.mul(oracle, v));
    double[][] block = Dense.gaussian(p, 4, rng);
    INDArray res = op.apply(Dense.nd(block));
    assertThat(res.shape()).containsExactly(p, 4);
    TOL.assertClose(Dense.matrix(res)[p - 1], Dense.mul(oracle, block)[p - 1]);
    for (int i = 0; i < p; i++) {
      TOL.assertClose(Dense.matrix(res)[i], Dense.mul(oracle, block)[i]);
    }
    assertThat(op.matvecs() - before).as("matvec count: 1 + 1 + 4").isEqualTo(6);
    double[][] dense = Dense.matrix(op.toDense());
    for (int i = 0; i < p; i++) {
      TOL.assertClose(dense[i], oracle[i]);
    }
  }

  @Test
  void denseDiagonalLowRankMatchTheirMatrices() {
    long seed = 11;
    System.out.println("OperatorsTest seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 40;
    double[][] a = Dense.gaussian(p, p, rng);
    DenseOperator dense = Operators.dense(Dense.nd(a));
    assertThat(dense.isSymmetric()).isFalse();
    assertMatches(dense, a, rng);

    double[] d = Dense.gaussian(p, rng);
    double[][] dm = new double[p][p];
    for (int i = 0; i < p; i++) {
      dm[i][i] = d[i];
    }
    assertMatches(Operators.diagonal(Dense.nd(d)), dm, rng);

    int r = 5;
    double[][] u = Dense.gaussian(p, r, rng);
    double[] lam = Dense.gaussian(r, rng);
    double[][] ul = new double[p][r];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < r; j++) {
        ul[i][j] = u[i][j] * lam[j];
      }
    }
    assertMatches(Operators.lowRank(Dense.nd(u), Dense.nd(lam)), Dense.mul(ul, Dense.transpose(u)), rng);
  }

  @Test
  void empiricalFisherIsDampingPlusMeanOuterProduct() {
    long seed = 12;
    System.out.println("OperatorsTest fisher seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int m = 30;
    int p = 50;
    double lambda = 0.3;
    double[][] g = Dense.gaussian(m, p, rng);
    double[][] f = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        double s = 0;
        for (int e = 0; e < m; e++) {
          s += g[e][i] * g[e][j];
        }
        f[i][j] = s / m + (i == j ? lambda : 0);
      }
    }
    EmpiricalFisherOperator op = Operators.empiricalFisher(Dense.nd(g), lambda);
    assertThat(op.numExamples()).isEqualTo(m);
    assertMatches(op, f, rng);
    // symmetry u^T (F v) = v^T (F u)
    INDArray u = Dense.nd(Dense.gaussian(p, rng));
    INDArray v = Dense.nd(Dense.gaussian(p, rng));
    TOL.assertClose(u.mul(op.apply(v)).sumNumber().doubleValue(), v.mul(op.apply(u)).sumNumber().doubleValue());
  }

  @Test
  void dampedScaledSumAndModelOperatorsCompose() {
    long seed = 13;
    System.out.println("OperatorsTest algebra seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 30;
    double[][] h = Dense.randomSpd(p, 0.1, rng);
    double[][] ggn = Dense.randomSpd(p, 0.2, rng);
    MatrixModelPoint point = new MatrixModelPoint(h, ggn);
    CurvatureOperator hess = Operators.hessian(point);
    CurvatureOperator gn = Operators.gaussNewton(point);
    assertMatches(hess, h, rng);
    assertMatches(gn, ggn, rng);
    assertThat(point.hessianCalls).isGreaterThan(0);
    assertThat(point.gaussNewtonCalls).isGreaterThan(0);

    double delta = 0.7;
    double c = -2.5;
    double[][] expected = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        expected[i][j] = c * (h[i][j] + ggn[i][j] + (i == j ? delta : 0));
      }
    }
    CurvatureOperator composed = hess.plus(gn).damped(delta).scaled(c);
    assertThat(composed.isSymmetric()).isTrue();
    assertMatches(composed, expected, rng);
  }

  @Test
  void float32OperatorsWork() {
    SplittableRandom rng = new SplittableRandom(14);
    int p = 20;
    double[][] a = Dense.randomSpd(p, 1, rng);
    CurvatureOperator op = Operators.dense(Dense.nd(a).castTo(DataType.FLOAT)).damped(0.5);
    assertThat(op.dataType()).isEqualTo(DataType.FLOAT);
    double[] v = Dense.gaussian(p, rng);
    INDArray res = op.apply(Dense.nd(v).castTo(DataType.FLOAT));
    assertThat(res.dataType()).isEqualTo(DataType.FLOAT);
    double[] expected = Dense.mul(a, v);
    for (int i = 0; i < p; i++) {
      expected[i] += 0.5 * v[i];
    }
    Tolerance.forType(DataType.FLOAT).assertClose(Dense.vector(res), expected);
  }

  @Test
  void badInputFailsFastWithNamedValues() {
    CurvatureOperator op = Operators.identity(5, DataType.DOUBLE);
    assertThatThrownBy(() -> op.apply(Nd4j.zeros(DataType.DOUBLE, 4)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("v length (4) must be 5");
    assertThatThrownBy(() -> op.apply(Nd4j.zeros(DataType.FLOAT, 5)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("data type (FLOAT) must be DOUBLE");
    INDArray v = Nd4j.zeros(DataType.DOUBLE, 5);
    assertThatThrownBy(() -> op.apply(v, v)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> op.damped(Double.NaN))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("delta (NaN) must be finite");
    INDArray g = Nd4j.ones(DataType.DOUBLE, 3, 5);
    g.putScalar(1, 2, Double.NaN);
    assertThatThrownBy(() -> Operators.empiricalFisher(g, 1.0))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("gradients (contains NaN) must be finite");
    assertThatThrownBy(() -> Operators.empiricalFisher(Nd4j.ones(DataType.DOUBLE, 3, 5), -1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("damping (-1.0) must be >= 0");
    assertThatThrownBy(() -> op.plus(Operators.identity(4, DataType.DOUBLE)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("second dimension (4) must equal");
  }

  @Test
  void inputsAreNotModified() {
    SplittableRandom rng = new SplittableRandom(15);
    int p = 10;
    INDArray a = Dense.nd(Dense.randomSpd(p, 1, rng));
    INDArray aCopy = a.dup();
    CurvatureOperator op = Operators.dense(a).damped(1).plus(Operators.diagonal(Nd4j.ones(DataType.DOUBLE, p)));
    INDArray v = Dense.nd(Dense.gaussian(p, rng));
    INDArray vCopy = v.dup();
    op.apply(v);
    assertThat(v.equals(vCopy)).isTrue();
    assertThat(a.equals(aCopy)).isTrue();
  }
}

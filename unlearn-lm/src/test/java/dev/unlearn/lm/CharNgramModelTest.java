package dev.unlearn.lm;

import dev.unlearn.testkit.Numerics;

import static dev.unlearn.testkit.Numerics.arr;
import static dev.unlearn.testkit.Numerics.relErr;
import static dev.unlearn.lm.Oracles.vec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.testkit.Tolerance;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The derivative oracles of the model contract (as in core's {@code ModelDerivativesContract}) for
 * the character n-gram model: finite differences, dense Hessians from unit products, a dense
 * Jacobian for the Gauss-Newton matrix, an independent forward pass and batch splitting. Contexts
 * are random ids (the start id and repeated ids included, so the scatter-add is exercised).
 */
class CharNgramModelTest {
  static final int V = 7;
  static final int K = 3;
  static final int E = 2;
  static final int H = 5;
  static final int N = 40;
  static final double L2 = 0.01;

  Model model;
  Dataset data;
  double[] theta;
  INDArray th;
  int p;
  long seed;

  @BeforeEach
  void setUp() {
    seed = 0x1A7E_0001L;
    model = CharNgramModel.of(V, K, E, H).withL2(L2);
    p = model.numParameters();
    data = Oracles.randomExamples(seed, N, K, V);
    theta = Numerics.gaussianVector(seed + 1, p, 0.5);
    th = vec(theta);
  }

  void report(String what, double value) {
    System.out.printf(Locale.ROOT, "%s seed=%d %s: %.3e%n", model.name(), seed, what, value);
  }

  double[] randomV(long salt) {
    return Numerics.gaussianVector(seed + salt, p, 1.0);
  }

  double[] hvp(double[] v) {
    return arr(model.at(th, data).hessianVectorProduct(vec(v)));
  }

  double[] ggn(double[] v) {
    return arr(model.at(th, data).gaussNewtonVectorProduct(vec(v)));
  }

  double[][] denseFromProducts(boolean exact) {
    ModelPoint at = model.at(th, data);
    double[][] cols = new double[p][];
    for (int q = 0; q < p; q++) {
      INDArray e = Nd4j.zeros(DataType.DOUBLE, p);
      e.putScalar(q, 1.0);
      cols[q] = arr(exact ? at.hessianVectorProduct(e) : at.gaussNewtonVectorProduct(e));
    }
    return Numerics.transpose(cols);
  }

  @Test
  void layoutAndSizes() {
    assertThat(p).isEqualTo(V * E + K * E * H + H + H * V + V);
    assertThat(model.numInputs()).isEqualTo(K);
    assertThat(model.numClasses()).isEqualTo(V);
    assertThat(model.name()).isEqualTo("char-ngram(V=7, k=3, e=2, h=5, tanh)");
  }

  @Test
  void gradientMatchesFiniteDifferencesOfLoss() {
    double err = relErr(Numerics.gradient(model, theta, data),
        Numerics.fdGradient(model, theta, data, 1e-5));
    report("gradient vs FD(loss) rel err", err);
    assertThat(err).isLessThanOrEqualTo(1e-6);
  }

  @Test
  void backpropagateIsTheGradientOfTheLogitPairing() {
    double[] u = Numerics.gaussianVector(seed + 77, N * V, 1.0);
    INDArray uu = Nd4j.createFromArray(u).reshape(N, V);
    double[] g = arr(model.at(th, data).backpropagate(uu));
    double worst = 0;
    for (int t = 0; t < 3; t++) {
      double[] v = randomV(300 + t);
      double h = 1e-5;
      double[] plus = theta.clone();
      double[] minus = theta.clone();
      for (int i = 0; i < p; i++) {
        plus[i] += h * v[i];
        minus[i] -= h * v[i];
      }
      double fd = (pairing(plus, u) - pairing(minus, u)) / (2 * h);
      worst = Math.max(worst, Math.abs(Numerics.dot(g, v) - fd) / Math.abs(fd));
    }
    report("backpropagate vs FD(<U, f>) rel err", worst);
    assertThat(worst).isLessThanOrEqualTo(1e-6);
    ModelPoint at = model.at(th, data);
    INDArray pm = at.probabilities().sub(data.oneHotLabels(DataType.DOUBLE)).divi(N);
    double[] full = arr(at.gradient());
    for (int i = 0; i < p; i++) {
      full[i] -= L2 * theta[i];
    }
    double err = relErr(arr(at.backpropagate(pm)), full);
    report("backpropagate((P-Y)/n) vs gradient - l2 theta", err);
    assertThat(err).isLessThanOrEqualTo(1e-12);
  }

  /** sum_i <u_i, f(x_i; t)> with the logits of the independent reference forward pass. */
  private double pairing(double[] t, double[] u) {
    double[][] z = Oracles.referenceLogits(t, V, K, E, H, Oracles.contexts(data));
    return Numerics.dot(Numerics.flatten(z), u);
  }

  @Test
  void hvpMatchesFiniteDifferencesOfGradient() {
    for (int t = 0; t < 3; t++) {
      double[] v = randomV(10 + t);
      double err = relErr(hvp(v), Numerics.fdHvp(model, theta, data, v, 1e-5));
      report("HVP vs FD(gradient) rel err", err);
      assertThat(err).isLessThanOrEqualTo(1e-6);
    }
  }

  @Test
  void denseHessianFromHvpsIsSymmetricAndMatchesFiniteDifferenceHessian() {
    assertThat(p).isLessThanOrEqualTo(1000);
    double[][] h = denseFromProducts(true);
    double asym = relErr(h, Numerics.transpose(h));
    double[][] fd = Numerics.fdHessian(model, theta, data, 1e-5);
    double err = relErr(h, fd);
    report("dense Hessian from HVPs asymmetry", asym);
    report("dense Hessian from HVPs vs FD Hessian rel err", err);
    assertThat(asym).isLessThanOrEqualTo(1e-10);
    assertThat(err).isLessThanOrEqualTo(1e-6);
    double[] v = randomV(20);
    double hvErr = relErr(hvp(v), Numerics.matVec(fd, v));
    report("HVP vs dense FD Hessian times v rel err", hvErr);
    assertThat(hvErr).isLessThanOrEqualTo(1e-6);
    // The E-W1 cross block is not zero: the bilinear coupling of the lookup and the first layer.
    int w1 = V * E;
    double cross = 0;
    for (int a = 0; a < w1; a++) {
      for (int b = w1; b < w1 + K * E * H; b++) {
        cross = Math.max(cross, Math.abs(h[a][b]));
      }
    }
    assertThat(cross).isGreaterThan(1e-3);
  }

  @Test
  void hessianAndGaussNewtonAreSymmetricBilinearForms() {
    double[] u = randomV(30);
    double[] v = randomV(31);
    double a = Numerics.dot(u, hvp(v));
    double b = Numerics.dot(v, hvp(u));
    double ga = Numerics.dot(u, ggn(v));
    double gb = Numerics.dot(v, ggn(u));
    double asym = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    double gasym = Math.abs(ga - gb) / Math.max(Math.abs(ga), Math.abs(gb));
    report("u^T H v vs v^T H u rel diff", asym);
    report("u^T G v vs v^T G u rel diff", gasym);
    assertThat(asym).isLessThanOrEqualTo(1e-10);
    assertThat(gasym).isLessThanOrEqualTo(1e-10);
  }

  @Test
  void gaussNewtonMatchesDenseJacobianOracleAndIsPositiveSemiDefinite() {
    double h = 1e-5;
    int[][] ctx = Oracles.contexts(data);
    double[][][] jac = new double[N][V][p];
    for (int q = 0; q < p; q++) {
      double[] tp = theta.clone();
      double[] tm = theta.clone();
      tp[q] += h;
      tm[q] -= h;
      double[][] zp = Oracles.referenceLogits(tp, V, K, E, H, ctx);
      double[][] zm = Oracles.referenceLogits(tm, V, K, E, H, ctx);
      for (int i = 0; i < N; i++) {
        for (int c = 0; c < V; c++) {
          jac[i][c][q] = (zp[i][c] - zm[i][c]) / (2 * h);
        }
      }
    }
    double[][] z = Oracles.referenceLogits(theta, V, K, E, H, ctx);
    double[][] g = new double[p][p];
    for (int i = 0; i < N; i++) {
      double[] s = Numerics.softmax(z[i]);
      double[][] hj = new double[V][p];
      for (int c = 0; c < V; c++) {
        for (int d = 0; d < V; d++) {
          double hcd = (c == d ? s[c] : 0) - s[c] * s[d];
          for (int q = 0; q < p; q++) {
            hj[c][q] += hcd * jac[i][d][q];
          }
        }
      }
      for (int a = 0; a < p; a++) {
        for (int c = 0; c < V; c++) {
          double ja = jac[i][c][a] / N;
          for (int b = 0; b < p; b++) {
            g[a][b] += ja * hj[c][b];
          }
        }
      }
    }
    for (int a = 0; a < p; a++) {
      g[a][a] += L2;
    }
    double err = relErr(denseFromProducts(false), g);
    report("GGN from products vs dense J^T H_CE J oracle rel err", err);
    assertThat(err).isLessThanOrEqualTo(1e-6);
    ModelPoint at = model.withL2(0).at(th, data);
    double minQuad = Double.POSITIVE_INFINITY;
    for (int t = 0; t < 20; t++) {
      double[] v = randomV(100 + t);
      minQuad = Math.min(minQuad,
          Numerics.dot(v, arr(at.gaussNewtonVectorProduct(vec(v)))) / Numerics.dot(v, v));
    }
    report("min v^T G v / v^T v over 20 random v (l2 = 0)", minQuad);
    assertThat(minQuad).isGreaterThanOrEqualTo(0.0);
  }

  @Test
  void perExampleGradientsAverageToTheGradientAndMatchFiniteDifferences() {
    ModelPoint at = model.at(th, data);
    INDArray pe = at.perExampleGradients();
    assertThat(pe.shape()).containsExactly(N, p);
    double[] mean = arr(pe.mean(0).addi(th.mul(L2)));
    double meanErr = relErr(mean, arr(at.gradient()));
    report("per-example gradient row mean + l2 theta vs gradient rel err", meanErr);
    assertThat(meanErr).isLessThanOrEqualTo(1e-10);
    double h = 1e-5;
    double[][] fd = new double[N][p];
    for (int q = 0; q < p; q++) {
      double[] tp = theta.clone();
      double[] tm = theta.clone();
      tp[q] += h;
      tm[q] -= h;
      double[] lp = arr(model.perExampleLosses(vec(tp), data));
      double[] lm = arr(model.perExampleLosses(vec(tm), data));
      for (int i = 0; i < N; i++) {
        fd[i][q] = (lp[i] - lm[i]) / (2 * h);
      }
    }
    double[] rows = arr(pe);
    double worst = 0;
    for (int i = 0; i < N; i++) {
      worst = Math.max(worst, relErr(Arrays.copyOfRange(rows, i * p, (i + 1) * p), fd[i]));
    }
    report("per-example gradient rows vs FD(example loss), worst row rel err", worst);
    assertThat(worst).isLessThanOrEqualTo(1e-6);
  }

  @Test
  void lossesLogitsAndProbabilitiesMatchAnIndependentForwardPass() {
    double[][] z = Oracles.referenceLogits(theta, V, K, E, H, Oracles.contexts(data));
    ModelPoint at = model.at(th, data);
    double[] losses = arr(at.perExampleLosses());
    double[] logits = arr(at.logits());
    double[] probs = arr(at.probabilities());
    double[] refLosses = new double[N];
    double sum = 0;
    Tolerance tol = Tolerance.forType(DataType.DOUBLE);
    for (int i = 0; i < N; i++) {
      double[] s = Numerics.softmax(z[i]);
      refLosses[i] = -Math.log(s[data.label(i)]);
      sum += refLosses[i];
      tol.assertClose(Arrays.copyOfRange(logits, i * V, (i + 1) * V), z[i]);
      tol.assertClose(Arrays.copyOfRange(probs, i * V, (i + 1) * V), s);
    }
    tol.assertClose(losses, refLosses);
    tol.assertClose(arr(model.logits(th, data.features())), Numerics.flatten(z));
    tol.assertClose(at.loss(), sum / N + 0.5 * L2 * Numerics.dot(theta, theta));
    report("per-example losses vs reference rel err", relErr(losses, refLosses));
  }

  @Test
  void gradientAndHvpAreInvariantToBatchSplitting() {
    int n1 = 17;
    Dataset first = data.rows(IntStream.range(0, n1).toArray());
    Dataset second = data.rows(IntStream.range(n1, N).map(i -> N - 1 - (i - n1)).toArray());
    double[] v = randomV(40);
    double[] g = arr(model.gradient(th, data));
    double[] g1 = arr(model.gradient(th, first));
    double[] g2 = arr(model.gradient(th, second));
    double[] hv = hvp(v);
    double[] h1 = arr(model.hessianVectorProduct(th, first, vec(v)));
    double[] h2 = arr(model.hessianVectorProduct(th, second, vec(v)));
    double[] gm = new double[p];
    double[] hm = new double[p];
    for (int q = 0; q < p; q++) {
      gm[q] = (n1 * g1[q] + (N - n1) * g2[q]) / N;
      hm[q] = (n1 * h1[q] + (N - n1) * h2[q]) / N;
    }
    report("gradient whole vs weighted halves rel err", relErr(gm, g));
    report("HVP whole vs weighted halves rel err", relErr(hm, hv));
    assertThat(relErr(gm, g)).isLessThanOrEqualTo(1e-12);
    assertThat(relErr(hm, hv)).isLessThanOrEqualTo(1e-12);
  }

  @Test
  void blockProductsEqualColumnByColumnProducts() {
    int r = 4;
    double[][] cols = new double[r][];
    double[][] block = new double[p][r];
    for (int j = 0; j < r; j++) {
      cols[j] = randomV(50 + j);
      for (int q = 0; q < p; q++) {
        block[q][j] = cols[j][q];
      }
    }
    ModelPoint at = model.at(th, data);
    INDArray b = Nd4j.createFromArray(block);
    INDArray hb = at.hessianVectorProduct(b);
    INDArray gb = at.gaussNewtonVectorProduct(b);
    assertThat(hb.shape()).containsExactly(p, r);
    double worst = 0;
    for (int j = 0; j < r; j++) {
      worst = Math.max(worst, relErr(arr(hb.getColumn(j)), hvp(cols[j])));
      worst = Math.max(worst, relErr(arr(gb.getColumn(j)), ggn(cols[j])));
    }
    INDArray out = Nd4j.zeros(DataType.DOUBLE, p, 1);
    assertThat(at.hessianVectorProduct(vec(cols[0]).reshape(p, 1), out)).isSameAs(out);
    worst = Math.max(worst, relErr(arr(out), hvp(cols[0])));
    worst = Math.max(worst, relErr(arr(at.hessianVectorProduct(b.getColumn(2))), hvp(cols[2])));
    assertThat(arr(b)).containsExactly(Numerics.flatten(block));
    report("block (p x 4) vs column-by-column products, worst rel err", worst);
    assertThat(worst).isLessThanOrEqualTo(1e-12);
  }

  @Test
  void badInputFailsFastNamingTheValue() {
    assertThatThrownBy(() -> model.at(Nd4j.zeros(DataType.DOUBLE, p + 1), data))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("theta shape ([" + (p + 1) + "])");
    INDArray nan = th.dup();
    nan.putScalar(3, Double.NaN);
    assertThatThrownBy(() -> model.at(nan, data))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("theta[3] (NaN) must be finite");
    Dataset frac = Dataset.of(Nd4j.createFromArray(new double[][] {{0, 1, 2.5}}), new int[] {1}, V);
    assertThatThrownBy(() -> model.at(th, frac))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("feature 2 of row 0 (2.5) must be a character id");
    Dataset big = Dataset.of(Nd4j.createFromArray(new double[][] {{0, 7, 1}}), new int[] {1}, V);
    assertThatThrownBy(() -> model.logits(th, big.features()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("feature 1 of row 0 (7.0) must be a character id, an integer in [0, 7)");
    Dataset wide = Oracles.randomExamples(1, 5, K + 1, V);
    assertThatThrownBy(() -> model.at(th, wide))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("data.numFeatures (4) must be 3");
    ModelPoint at = model.at(th, data);
    assertThatThrownBy(() -> at.hessianVectorProduct(Nd4j.zeros(DataType.DOUBLE, p - 1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("v shape ([" + (p - 1) + "])");
    assertThatThrownBy(() -> at.backpropagate(Nd4j.zeros(DataType.DOUBLE, N, V + 1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("logit gradients");
    assertThatThrownBy(() -> model.withDataType(DataType.FLOAT))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("data type (FLOAT) must be DOUBLE");
    assertThatThrownBy(() -> CharNgramModel.of(41, 0, 4, 4))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("context (0) must be >= 1");
    assertThatThrownBy(() -> model.withL2(-1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("l2 (-1.0) must be >= 0");
    // Per-example gradients are refused above the size limit, with the sizes in the message.
    CharNgramModel large = CharNgramModel.of(41, 6, 16, 128);
    int rows = (int) (CharNgramModel.MAX_PER_EXAMPLE_ELEMENTS / large.numParameters()) + 1;
    Dataset many = Oracles.randomExamples(2, rows, 6, 41);
    ModelPoint atLarge = large.at(large.initialParameters(1), many);
    assertThatThrownBy(atLarge::perExampleGradients)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("per-example gradient size (n x p = " + rows + " x " + large.numParameters());
    assertThat(arr(th)).containsExactly(theta);
  }

  @Test
  void initialParametersAreSeeded() {
    INDArray a = model.initialParameters(7);
    assertThat(arr(a)).containsExactly(arr(model.initialParameters(7)));
    assertThat(arr(a)).isNotEqualTo(arr(model.initialParameters(8)));
    double[] t = arr(a);
    double bound1 = 1 / Math.sqrt(K * E);
    for (int q = V * E; q < V * E + K * E * H + H; q++) {
      assertThat(Math.abs(t[q])).isLessThanOrEqualTo(bound1);
    }
    double bound2 = 1 / Math.sqrt(H);
    for (int q = V * E + K * E * H + H; q < p; q++) {
      assertThat(Math.abs(t[q])).isLessThanOrEqualTo(bound2);
    }
  }
}

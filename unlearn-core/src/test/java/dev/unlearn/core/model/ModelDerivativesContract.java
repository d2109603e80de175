package dev.unlearn.core.model;

import static dev.unlearn.core.model.Problems.arr;
import static dev.unlearn.core.model.Problems.relErr;
import static dev.unlearn.core.model.Problems.vec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.core.testing.Tolerance;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Oracle tests that every exact model family must pass, on a small seeded problem: finite
 * differences, dense Hessians, an independent forward pass, batch splitting and float32 vs float64.
 */
abstract class ModelDerivativesContract {
  static final int N = 40;
  static final double L2 = 0.01;

  Model model;
  Dataset data;
  double[] theta;
  INDArray th;
  int p;
  long seed;

  /** The layer sizes d, ..., k of the model under test. */
  abstract int[] sizes();

  /** The hidden activation (null for no hidden layer). */
  abstract Activation activation();

  /** The float64 model with l2 = {@link #L2}. */
  abstract Model newModel();

  /** Scale of the random parameters. */
  double thetaScale() {
    return 0.5;
  }

  @BeforeEach
  void setUp() {
    seed = 0x5EED0000L + Arrays.hashCode(sizes()) + (activation() == null ? 0 : activation().ordinal());
    model = newModel();
    p = model.numParameters();
    int[] s = sizes();
    data = Problems.data(seed, N, s[0], s[s.length - 1]);
    theta = Problems.gaussianVector(seed + 1, p, thetaScale());
    th = vec(theta, DataType.DOUBLE);
  }

  void report(String what, double value) {
    System.out.printf(Locale.ROOT, "%s seed=%d %s: %.3e%n", model.name(), seed, what, value);
  }

  double[] randomV(long salt) {
    return Problems.gaussianVector(seed + salt, p, 1.0);
  }

  double[] hvp(double[] v) {
    return arr(model.at(th, data).hessianVectorProduct(vec(v, DataType.DOUBLE)));
  }

  double[] ggn(double[] v) {
    return arr(model.at(th, data).gaussNewtonVectorProduct(vec(v, DataType.DOUBLE)));
  }

  double[][] denseFromHvps(boolean exact) {
    ModelPoint at = model.at(th, data);
    double[][] cols = new double[p][];
    for (int q = 0; q < p; q++) {
      INDArray e = Nd4j.zeros(DataType.DOUBLE, p);
      e.putScalar(q, 1.0);
      cols[q] = arr(exact ? at.hessianVectorProduct(e) : at.gaussNewtonVectorProduct(e));
    }
    return Problems.transpose(cols);
  }

  @Test
  void gradientMatchesFiniteDifferencesOfLoss() {
    double[] g = Problems.gradient(model, theta, data);
    double err = relErr(g, Problems.fdGradient(model, theta, data, 1e-5));
    report("gradient vs FD(loss) rel err", err);
    assertThat(err).isLessThanOrEqualTo(1e-6);
  }

  @Test
  void backpropagateIsTheGradientOfTheLogitPairing() {
    // Oracle 1: central differences of phi(theta) = sum_i <u_i, f(x_i; theta)> along random v.
    int n = data.size();
    int k = model.numClasses();
    double[] u = Problems.gaussianVector(seed + 77, n * k, 1.0);
    INDArray uu = Nd4j.createFromArray(u).reshape(n, k);
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
      double fd = (pairing(plus, uu) - pairing(minus, uu)) / (2 * h);
      double dot = 0;
      for (int i = 0; i < p; i++) {
        dot += g[i] * v[i];
      }
      worst = Math.max(worst, Math.abs(dot - fd) / Math.max(1e-12, Math.abs(fd)));
    }
    report("backpropagate vs FD(<U, f>) rel err", worst);
    assertThat(worst).isLessThanOrEqualTo(1e-6);
    // Oracle 2: with U = (P - Y)/n it is the unregularised gradient: gradient - l2 * theta.
    ModelPoint at = model.at(th, data);
    INDArray pm = at.probabilities().sub(data.oneHotLabels(DataType.DOUBLE)).divi(n);
    double[] ce = arr(at.backpropagate(pm));
    double[] full = arr(at.gradient());
    for (int i = 0; i < p; i++) {
      full[i] -= model.l2() * theta[i];
    }
    double err = relErr(ce, full);
    report("backpropagate((P-Y)/n) vs gradient - l2 theta", err);
    assertThat(err).isLessThanOrEqualTo(1e-12);
  }

  private double pairing(double[] t, INDArray u) {
    INDArray logits = model.logits(vec(t, DataType.DOUBLE), data.features());
    return logits.mul(u).sumNumber().doubleValue();
  }

  @Test
  void hvpMatchesFiniteDifferencesOfGradient() {
    for (int t = 0; t < 3; t++) {
      double[] v = randomV(10 + t);
      double err = relErr(hvp(v), Problems.fdHvp(model, theta, data, v, 1e-5));
      report("HVP vs FD(gradient) rel err", err);
      assertThat(err).isLessThanOrEqualTo(1e-6);
    }
  }

  @Test
  void denseHessianFromHvpsIsSymmetricAndMatchesFiniteDifferenceHessian() {
    assertThat(p).isLessThanOrEqualTo(1000);
    double[][] h = denseFromHvps(true);
    double asym = relErr(h, Problems.transpose(h));
    double[][] fd = Problems.fdHessian(model, theta, data, 1e-5);
    double err = relErr(h, fd);
    report("dense Hessian from HVPs asymmetry", asym);
    report("dense Hessian from HVPs vs FD Hessian rel err", err);
    assertThat(asym).isLessThanOrEqualTo(1e-10);
    assertThat(err).isLessThanOrEqualTo(1e-6);
    double[] v = randomV(20);
    double hvErr = relErr(hvp(v), Problems.matVec(fd, v));
    report("HVP vs dense FD Hessian times v rel err", hvErr);
    assertThat(hvErr).isLessThanOrEqualTo(1e-6);
  }

  @Test
  void hessianAndGaussNewtonAreSymmetricBilinearForms() {
    double[] u = randomV(30);
    double[] v = randomV(31);
    double a = Problems.dot(u, hvp(v));
    double b = Problems.dot(v, hvp(u));
    double asym = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    double ga = Problems.dot(u, ggn(v));
    double gb = Problems.dot(v, ggn(u));
    double gasym = Math.abs(ga - gb) / Math.max(Math.abs(ga), Math.abs(gb));
    report("u^T H v vs v^T H u rel diff", asym);
    report("u^T G v vs v^T G u rel diff", gasym);
    assertThat(asym).isLessThanOrEqualTo(1e-10);
    assertThat(gasym).isLessThanOrEqualTo(1e-10);
  }

  @Test
  void gaussNewtonMatchesDenseJacobianOracleAndIsPositiveSemiDefinite() {
    // Oracle: G = sum_i J_i^T (diag s_i - s_i s_i^T) J_i / n + l2 I, J by central differences of
    // the logits.
    int k = model.numClasses();
    double h = 1e-5;
    double[][][] jac = new double[N][k][p];
    INDArray x = data.features();
    for (int q = 0; q < p; q++) {
      double[] tp = theta.clone();
      double[] tm = theta.clone();
      tp[q] += h;
      tm[q] -= h;
      double[] zp = arr(model.logits(vec(tp, DataType.DOUBLE), x));
      double[] zm = arr(model.logits(vec(tm, DataType.DOUBLE), x));
      for (int i = 0; i < N; i++) {
        for (int c = 0; c < k; c++) {
          jac[i][c][q] = (zp[i * k + c] - zm[i * k + c]) / (2 * h);
        }
      }
    }
    double[] probs = arr(model.at(th, data).probabilities());
    double[][] g = new double[p][p];
    for (int i = 0; i < N; i++) {
      double[][] hce = new double[k][k];
      for (int c = 0; c < k; c++) {
        for (int e = 0; e < k; e++) {
          hce[c][e] = (c == e ? probs[i * k + c] : 0) - probs[i * k + c] * probs[i * k + e];
        }
      }
      double[][] hj = new double[k][p];
      for (int c = 0; c < k; c++) {
        for (int e = 0; e < k; e++) {
          for (int q = 0; q < p; q++) {
            hj[c][q] += hce[c][e] * jac[i][e][q];
          }
        }
      }
      for (int a = 0; a < p; a++) {
        for (int c = 0; c < k; c++) {
          double ja = jac[i][c][a] / N;
          if (ja != 0) {
            for (int b = 0; b < p; b++) {
              g[a][b] += ja * hj[c][b];
            }
          }
        }
      }
    }
    for (int a = 0; a < p; a++) {
      g[a][a] += L2;
    }
    double[][] fromProducts = denseFromHvps(false);
    double err = relErr(fromProducts, g);
    report("GGN from products vs dense J^T H_CE J oracle rel err", err);
    assertThat(err).isLessThanOrEqualTo(1e-6);
    double minQuad = Double.POSITIVE_INFINITY;
    Model noL2 = model.withL2(0);
    ModelPoint at = noL2.at(th, data);
    for (int t = 0; t < 20; t++) {
      double[] v = randomV(100 + t);
      double quad = Problems.dot(v, arr(at.gaussNewtonVectorProduct(vec(v, DataType.DOUBLE))));
      minQuad = Math.min(minQuad, quad / Problems.dot(v, v));
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
    // Oracle: central differences of all per-example losses at once.
    double h = 1e-5;
    double[][] fd = new double[N][p];
    for (int q = 0; q < p; q++) {
      double[] tp = theta.clone();
      double[] tm = theta.clone();
      tp[q] += h;
      tm[q] -= h;
      double[] lp = arr(model.perExampleLosses(vec(tp, DataType.DOUBLE), data));
      double[] lm = arr(model.perExampleLosses(vec(tm, DataType.DOUBLE), data));
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
    double[][] z = Problems.referenceLogits(theta, sizes(), activation(), Problems.features(data));
    ModelPoint at = model.at(th, data);
    double[] losses = arr(at.perExampleLosses());
    double[] logits = arr(at.logits());
    double[] probs = arr(at.probabilities());
    double[] refLosses = new double[N];
    double sum = 0;
    int k = model.numClasses();
    Tolerance tol = Tolerance.forType(DataType.DOUBLE);
    for (int i = 0; i < N; i++) {
      double[] s = Problems.softmax(z[i]);
      refLosses[i] = -Math.log(s[data.label(i)]);
      sum += refLosses[i];
      tol.assertClose(Arrays.copyOfRange(logits, i * k, (i + 1) * k), z[i]);
      tol.assertClose(Arrays.copyOfRange(probs, i * k, (i + 1) * k), s);
    }
    tol.assertClose(losses, refLosses);
    tol.assertClose(arr(model.logits(th, data.features())), Problems.flatten(z));
    double expected = sum / N + 0.5 * L2 * Problems.dot(theta, theta);
    tol.assertClose(at.loss(), expected);
    report("per-example losses vs hand computation rel err", relErr(losses, refLosses));
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
    double[] h = hvp(v);
    double[] h1 = arr(model.hessianVectorProduct(th, first, vec(v, DataType.DOUBLE)));
    double[] h2 = arr(model.hessianVectorProduct(th, second, vec(v, DataType.DOUBLE)));
    double[] gm = new double[p];
    double[] hm = new double[p];
    for (int q = 0; q < p; q++) {
      gm[q] = (n1 * g1[q] + (N - n1) * g2[q]) / N;
      hm[q] = (n1 * h1[q] + (N - n1) * h2[q]) / N;
    }
    double ge = relErr(gm, g);
    double he = relErr(hm, h);
    report("gradient whole vs weighted halves rel err", ge);
    report("HVP whole vs weighted halves rel err", he);
    assertThat(ge).isLessThanOrEqualTo(1e-12);
    assertThat(he).isLessThanOrEqualTo(1e-12);
  }

  @Test
  void blockProductsEqualColumnByColumnProducts() {
    int r = 4;
    double[][] cols = new double[r][];
    for (int j = 0; j < r; j++) {
      cols[j] = randomV(50 + j);
    }
    ModelPoint at = model.at(th, data);
    INDArray block = Problems.block(cols, DataType.DOUBLE);
    INDArray hb = at.hessianVectorProduct(block);
    INDArray gb = at.gaussNewtonVectorProduct(block);
    assertThat(hb.shape()).containsExactly(p, r);
    double worst = 0;
    for (int j = 0; j < r; j++) {
      worst = Math.max(worst, relErr(Problems.column(hb, j), hvp(cols[j])));
      worst = Math.max(worst, relErr(Problems.column(gb, j), ggn(cols[j])));
    }
    // p x 1 and the out variants give the same as rank 1.
    INDArray col = vec(cols[0], DataType.DOUBLE).reshape(p, 1);
    INDArray out = Nd4j.zeros(DataType.DOUBLE, p, 1);
    assertThat(at.hessianVectorProduct(col, out)).isSameAs(out);
    worst = Math.max(worst, relErr(arr(out), hvp(cols[0])));
    worst = Math.max(worst, relErr(arr(at.hessianVectorProduct(col)), hvp(cols[0])));
    INDArray out2 = Nd4j.zeros(DataType.DOUBLE, p, r);
    at.gaussNewtonVectorProduct(block, out2);
    worst = Math.max(worst, relErr(arr(out2), arr(gb)));
    // A column view (strided) works like a copy, and the block input is not mutated.
    INDArray view = block.getColumn(2);
    worst = Math.max(worst, relErr(arr(at.hessianVectorProduct(view)), hvp(cols[2])));
    assertThat(arr(block)).containsExactly(arr(Problems.block(cols, DataType.DOUBLE)));
    report("block (p x 4) vs column-by-column products, worst rel err", worst);
    assertThat(worst).isLessThanOrEqualTo(1e-12);
  }

  @Test
  void float32AgreesWithFloat64() {
    Model m32 = model.withDataType(DataType.FLOAT);
    assertThat(m32.dataType()).isEqualTo(DataType.FLOAT);
    INDArray th32 = th.castTo(DataType.FLOAT);
    double[] v = randomV(60);
    ModelPoint at32 = m32.at(th32, data);
    ModelPoint at64 = model.at(th, data);
    INDArray hv32 = at32.hessianVectorProduct(vec(v, DataType.FLOAT));
    assertThat(hv32.dataType()).isEqualTo(DataType.FLOAT);
    double ge = relErr(arr(at32.gradient()), arr(at64.gradient()));
    double he = relErr(arr(hv32), hvp(v));
    double gge = relErr(arr(at32.gaussNewtonVectorProduct(vec(v, DataType.FLOAT))), ggn(v));
    double[][] cols = {randomV(61), randomV(62), randomV(63)};
    double be = relErr(arr(at32.hessianVectorProduct(Problems.block(cols, DataType.FLOAT))),
        arr(at64.hessianVectorProduct(Problems.block(cols, DataType.DOUBLE))));
    double pe = relErr(arr(at32.perExampleGradients()), arr(at64.perExampleGradients()));
    double le = Math.abs(at32.loss() - at64.loss()) / Math.abs(at64.loss());
    report("float32 vs float64 gradient rel err", ge);
    report("float32 vs float64 HVP rel err", he);
    report("float32 vs float64 GGN rel err", gge);
    report("float32 vs float64 block HVP rel err", be);
    report("float32 vs float64 per-example gradients rel err", pe);
    report("float32 vs float64 loss rel err", le);
    for (double e : new double[] {ge, he, gge, be, pe, le}) {
      assertThat(e).isLessThanOrEqualTo(1e-4);
    }
  }

  @Test
  void badInputFailsFastNamingTheValue() {
    assertThatThrownBy(() -> model.at(Nd4j.zeros(DataType.DOUBLE, p + 1), data))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("theta shape ([" + (p + 1) + "])");
    assertThatThrownBy(() -> model.at(th.castTo(DataType.FLOAT), data))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("theta data type (FLOAT) must be DOUBLE");
    INDArray nan = th.dup();
    nan.putScalar(3, Double.NaN);
    assertThatThrownBy(() -> model.at(nan, data))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("theta[3] (NaN) must be finite");
    int[] s = sizes();
    Dataset wide = Problems.data(1, 5, s[0] + 1, s[s.length - 1]);
    assertThatThrownBy(() -> model.at(th, wide))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("data.numFeatures (" + (s[0] + 1) + ") must be " + s[0]);
    Dataset classes = Problems.data(1, 5, s[0], s[s.length - 1] + 1);
    assertThatThrownBy(() -> model.at(th, classes))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("data.numClasses");
    ModelPoint at = model.at(th, data);
    assertThatThrownBy(() -> at.hessianVectorProduct(Nd4j.zeros(DataType.DOUBLE, p - 1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("v shape ([" + (p - 1) + "])");
    assertThatThrownBy(() -> at.hessianVectorProduct(Nd4j.zeros(DataType.DOUBLE, p), Nd4j.zeros(DataType.DOUBLE, p, 2)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("out shape ([" + p + ", 2])");
    assertThatThrownBy(() -> model.withL2(-1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("l2 (-1.0) must be >= 0");
    assertThatThrownBy(() -> model.withDataType(DataType.INT))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("data type (INT)");
    // Inputs are not mutated.
    assertThat(arr(th)).containsExactly(theta);
  }

  @Test
  void initialParametersAreSeededAndWithinTheFanInBounds() {
    INDArray a = model.initialParameters(7);
    INDArray b = model.initialParameters(7);
    INDArray c = model.initialParameters(8);
    assertThat(a.shape()).containsExactly(p);
    assertThat(arr(a)).containsExactly(arr(b));
    assertThat(arr(a)).isNotEqualTo(arr(c));
    int[] s = sizes();
    double[] t = arr(a);
    int off = 0;
    for (int l = 1; l < s.length; l++) {
      double bound = 1 / Math.sqrt(s[l - 1]);
      int len = s[l - 1] * s[l] + s[l];
      for (int q = off; q < off + len; q++) {
        assertThat(Math.abs(t[q])).isLessThanOrEqualTo(bound);
      }
      off += len;
    }
    assertThat(arr(model.withDataType(DataType.FLOAT).initialParameters(7)))
        .containsExactly(arr(a.castTo(DataType.FLOAT)));
  }
}

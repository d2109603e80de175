package dev.unlearn.testkit;

import static dev.unlearn.testkit.Numerics.arr;
import static dev.unlearn.testkit.Numerics.relErr;
import static dev.unlearn.testkit.Numerics.vec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Capability;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The model-derivatives contract: oracle tests that a {@link Model} with exact derivatives must
 * pass on a small seeded problem. Extend it in your model's test and return the float64 model:
 *
 * <pre>{@code
 * class MyModelTest extends ModelDerivativesContract {
 *   protected Model newModel() { return new MyModel(8, 3).withL2(0.01); }
 * }
 * }</pre>
 *
 * It checks, each against an independent oracle: the gradient against central differences of the
 * loss; {@code backpropagate} against central differences of the logit pairing and against the
 * gradient; the Hessian-vector product against central differences of the gradient; the dense
 * Hessian built from products for symmetry and against a finite-difference Hessian (p &le; 1000);
 * the Hessian and Gauss-Newton products as symmetric bilinear forms; the Gauss-Newton product
 * against the dense {@code J^T H_CE J / n + l2 I} from finite-difference Jacobians of the logits,
 * and its positive semi-definiteness; per-example gradients against their mean and against
 * central differences of per-example losses; invariance to batch splitting; p x r block products
 * against column-by-column products, without mutating the block; the allocation-free out forms
 * ({@code Model.gradient(θ, X, out)}, {@code ModelPoint.gradient(out)}, {@code
 * Model.hessianVectorProduct(θ, X, v, out)}) against central differences at every &theta; they are
 * given, and their refusal of a wrong-length out. Every figure is printed.
 *
 * <p>A model whose Hessian-vector product is itself a finite difference ({@code
 * hasExactHessian() == false}) is held to {@link #hvpTolerance()} wherever an exact one is held to
 * rounding error (symmetry, batch splitting). A check of a capability that the model does not
 * list in {@link Model#capabilities()} (backpropagate, Hessian or Gauss-Newton products,
 * per-example gradients) is skipped with the reason, so a gradient-only model runs the rest.
 */
public abstract class ModelDerivativesContract {
  protected Model model;
  protected Dataset data;
  protected double[] theta;
  protected INDArray th;
  protected int p;
  protected int n;
  protected long seed;

  /** The float64 model under test, with its L2 coefficient set (for example 0.01). */
  protected abstract Model newModel();

  /** Scale of the random parameters. */
  protected double thetaScale() {
    return 0.5;
  }

  /** The number of rows of the random problem (keep p x rows small: the dense oracles are O(p^2 n)). */
  protected int rows() {
    return 40;
  }

  /** The seed of the problem. */
  protected long seed() {
    return 0x5EED0000L + model.name().hashCode();
  }

  /** The data the derivatives are checked on: Gaussian features and uniform labels by default. */
  protected Dataset newData(long seed) {
    return Numerics.gaussianData(seed, rows(), model.numInputs(), model.numClasses());
  }

  /** The relative tolerance of the HVP against central differences of the gradient. */
  protected double hvpTolerance() {
    return 1e-6;
  }

  @BeforeEach
  public void setUpProblem() {
    model = newModel();
    seed = seed();
    p = model.numParameters();
    data = newData(seed);
    n = data.size();
    theta = Numerics.gaussianVector(seed + 1, p, thetaScale());
    th = vec(theta, DataType.DOUBLE);
  }

  /** Skips the calling check unless the model offers every one of these capabilities. */
  protected void assumeCapable(Capability... needed) {
    for (Capability c : needed) {
      Assumptions.assumeTrue(model.capabilities().contains(c),
          () -> model.name() + " does not offer " + c);
    }
  }

  /** The tolerance of a check that is rounding error for an exact product. */
  protected double exactOr(double exactTolerance) {
    return model.hasExactHessian() ? exactTolerance : hvpTolerance();
  }

  protected void report(String what, double value) {
    System.out.printf(Locale.ROOT, "%s seed=%d %s: %.3e%n", model.name(), seed, what, value);
  }

  protected double[] randomV(long salt) {
    return Numerics.gaussianVector(seed + salt, p, 1.0);
  }

  protected double[] hvp(double[] v) {
    return arr(model.at(th, data).hessianVectorProduct(vec(v, DataType.DOUBLE)));
  }

  protected double[] ggn(double[] v) {
    return arr(model.at(th, data).gaussNewtonVectorProduct(vec(v, DataType.DOUBLE)));
  }

  protected double[][] denseFromHvps(boolean exact) {
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
  public void gradientMatchesFiniteDifferencesOfLoss() {
    double[] g = Numerics.gradient(model, theta, data);
    double err = relErr(g, Numerics.fdGradient(model, theta, data, 1e-5));
    report("gradient vs FD(loss) rel err", err);
    assertThat(err).isLessThanOrEqualTo(1e-6);
  }

  @Test
  public void backpropagateIsTheGradientOfTheLogitPairing() {
    assumeCapable(Capability.BACKPROPAGATE);
    // Oracle 1: central differences of phi(theta) = sum_i <u_i, f(x_i; theta)> along random v.
    int n = data.size();
    int k = model.numClasses();
    double[] u = Numerics.gaussianVector(seed + 77, n * k, 1.0);
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

  /**
   * The allocation-free forms {@code Model.gradient(θ, X, out)} and {@code ModelPoint.gradient(out)}
   * against central differences, at every &theta; they are given (built-in models serve the first
   * from one reused point per thread, so a model that answered for the &theta; of an earlier call,
   * the same array changed in place since, fails here), and on other data; a wrong-length out is
   * refused with an {@link InvalidInputException} that names [p].
   */
  @Test
  public void gradientOutFormsMatchFiniteDifferencesAtEveryThetaTheyAreGiven() {
    INDArray t = th.dup();
    INDArray out = Nd4j.create(DataType.DOUBLE, p);
    double[] other = Numerics.gaussianVector(seed + 5, p, thetaScale());
    double worst = 0;
    for (double[] at : new double[][] {theta, other, theta}) {
      t.assign(vec(at, DataType.DOUBLE)); // the same array, changed in place
      assertThat(model.gradient(t, data, out)).isSameAs(out);
      worst = Math.max(worst, relErr(arr(out), Numerics.fdGradient(model, at, data, 1e-5)));
    }
    Dataset moreData = newData(seed + 9);
    assertThat(model.gradient(t, moreData, out)).isSameAs(out);
    worst = Math.max(worst, relErr(arr(out), Numerics.fdGradient(model, theta, moreData, 1e-5)));
    INDArray pointOut = Nd4j.create(DataType.DOUBLE, p);
    assertThat(model.at(th, data).gradient(pointOut)).isSameAs(pointOut);
    worst = Math.max(worst, relErr(arr(pointOut), Numerics.fdGradient(model, theta, data, 1e-5)));
    report("gradient(..., out) vs FD(loss) rel err, worst of 5", worst);
    assertThat(worst).isLessThanOrEqualTo(1e-6);
    assertThatThrownBy(
        () -> model.gradient(t, data, Nd4j.create(DataType.DOUBLE, p + 1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("[" + p + "]");
  }

  /**
   * {@code Model.hessianVectorProduct(θ, X, v, out)} against central differences of the gradient
   * at two &theta; in one array changed in place between the calls.
   */
  @Test
  public void hvpOutFormMatchesFiniteDifferencesAtEveryThetaItIsGiven() {
    assumeCapable(Capability.HESSIAN_VECTOR_PRODUCT);
    INDArray t = th.dup();
    double[] other = Numerics.gaussianVector(seed + 5, p, thetaScale());
    double[] v = randomV(40);
    INDArray hvOut = Nd4j.create(DataType.DOUBLE, p);
    double hvWorst = 0;
    for (double[] at : new double[][] {other, theta}) {
      t.assign(vec(at, DataType.DOUBLE));
      assertThat(model.hessianVectorProduct(t, data, vec(v, DataType.DOUBLE), hvOut))
          .isSameAs(hvOut);
      hvWorst = Math.max(hvWorst, relErr(arr(hvOut), Numerics.fdHvp(model, at, data, v, 1e-5)));
    }
    report("hessianVectorProduct(..., out) vs FD(gradient) rel err, worst of 2", hvWorst);
    assertThat(hvWorst).isLessThanOrEqualTo(hvpTolerance());
  }

  @Test
  public void hvpMatchesFiniteDifferencesOfGradient() {
    assumeCapable(Capability.HESSIAN_VECTOR_PRODUCT);
    for (int t = 0; t < 3; t++) {
      double[] v = randomV(10 + t);
      double err = relErr(hvp(v), Numerics.fdHvp(model, theta, data, v, 1e-5));
      report("HVP vs FD(gradient) rel err", err);
      assertThat(err).isLessThanOrEqualTo(hvpTolerance());
    }
  }

  @Test
  public void denseHessianFromHvpsIsSymmetricAndMatchesFiniteDifferenceHessian() {
    assumeCapable(Capability.HESSIAN_VECTOR_PRODUCT);
    assertThat(p).isLessThanOrEqualTo(1000);
    double[][] h = denseFromHvps(true);
    double asym = relErr(h, Numerics.transpose(h));
    double[][] fd = Numerics.fdHessian(model, theta, data, 1e-5);
    double err = relErr(h, fd);
    report("dense Hessian from HVPs asymmetry", asym);
    report("dense Hessian from HVPs vs FD Hessian rel err", err);
    assertThat(asym).isLessThanOrEqualTo(model.hasExactHessian() ? 1e-10 : hvpTolerance());
    assertThat(err).isLessThanOrEqualTo(hvpTolerance());
    double[] v = randomV(20);
    double hvErr = relErr(hvp(v), Numerics.matVec(fd, v));
    report("HVP vs dense FD Hessian times v rel err", hvErr);
    assertThat(hvErr).isLessThanOrEqualTo(1e-6);
  }

  @Test
  public void hessianAndGaussNewtonAreSymmetricBilinearForms() {
    assumeCapable(Capability.HESSIAN_VECTOR_PRODUCT, Capability.GAUSS_NEWTON);
    double[] u = randomV(30);
    double[] v = randomV(31);
    double a = Numerics.dot(u, hvp(v));
    double b = Numerics.dot(v, hvp(u));
    double asym = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    double ga = Numerics.dot(u, ggn(v));
    double gb = Numerics.dot(v, ggn(u));
    double gasym = Math.abs(ga - gb) / Math.max(Math.abs(ga), Math.abs(gb));
    report("u^T H v vs v^T H u rel diff", asym);
    report("u^T G v vs v^T G u rel diff", gasym);
    assertThat(asym).isLessThanOrEqualTo(exactOr(1e-10));
    assertThat(gasym).isLessThanOrEqualTo(exactOr(1e-10));
  }

  @Test
  public void gaussNewtonMatchesDenseJacobianOracleAndIsPositiveSemiDefinite() {
    assumeCapable(Capability.GAUSS_NEWTON);
    // Oracle: G = sum_i J_i^T (diag s_i - s_i s_i^T) J_i / n + l2 I, J by central differences of
    // the logits.
    int k = model.numClasses();
    double h = 1e-5;
    double[][][] jac = new double[n][k][p];
    INDArray x = data.features();
    for (int q = 0; q < p; q++) {
      double[] tp = theta.clone();
      double[] tm = theta.clone();
      tp[q] += h;
      tm[q] -= h;
      double[] zp = arr(model.logits(vec(tp, DataType.DOUBLE), x));
      double[] zm = arr(model.logits(vec(tm, DataType.DOUBLE), x));
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < k; c++) {
          jac[i][c][q] = (zp[i * k + c] - zm[i * k + c]) / (2 * h);
        }
      }
    }
    double[] probs = arr(model.at(th, data).probabilities());
    double[][] g = new double[p][p];
    for (int i = 0; i < n; i++) {
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
          double ja = jac[i][c][a] / n;
          if (ja != 0) {
            for (int b = 0; b < p; b++) {
              g[a][b] += ja * hj[c][b];
            }
          }
        }
      }
    }
    for (int a = 0; a < p; a++) {
      g[a][a] += model.l2();
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
      double quad = Numerics.dot(v, arr(at.gaussNewtonVectorProduct(vec(v, DataType.DOUBLE))));
      minQuad = Math.min(minQuad, quad / Numerics.dot(v, v));
    }
    report("min v^T G v / v^T v over 20 random v (l2 = 0)", minQuad);
    assertThat(minQuad).isGreaterThanOrEqualTo(0.0);
  }

  @Test
  public void perExampleGradientsAverageToTheGradientAndMatchFiniteDifferences() {
    assumeCapable(Capability.PER_EXAMPLE_GRADIENTS);
    ModelPoint at = model.at(th, data);
    INDArray pe = at.perExampleGradients();
    assertThat(pe.shape()).containsExactly(n, p);
    double[] mean = arr(pe.mean(0).addi(th.mul(model.l2())));
    double meanErr = relErr(mean, arr(at.gradient()));
    report("per-example gradient row mean + l2 theta vs gradient rel err", meanErr);
    assertThat(meanErr).isLessThanOrEqualTo(1e-10);
    // Oracle: central differences of all per-example losses at once.
    double h = 1e-5;
    double[][] fd = new double[n][p];
    for (int q = 0; q < p; q++) {
      double[] tp = theta.clone();
      double[] tm = theta.clone();
      tp[q] += h;
      tm[q] -= h;
      double[] lp = arr(model.perExampleLosses(vec(tp, DataType.DOUBLE), data));
      double[] lm = arr(model.perExampleLosses(vec(tm, DataType.DOUBLE), data));
      for (int i = 0; i < n; i++) {
        fd[i][q] = (lp[i] - lm[i]) / (2 * h);
      }
    }
    double[] rows = arr(pe);
    double worst = 0;
    for (int i = 0; i < n; i++) {
      worst = Math.max(worst, relErr(Arrays.copyOfRange(rows, i * p, (i + 1) * p), fd[i]));
    }
    report("per-example gradient rows vs FD(example loss), worst row rel err", worst);
    assertThat(worst).isLessThanOrEqualTo(1e-6);
  }

  @Test
  public void gradientAndHvpAreInvariantToBatchSplitting() {
    assumeCapable(Capability.HESSIAN_VECTOR_PRODUCT);
    int n1 = 17;
    Dataset first = data.rows(IntStream.range(0, n1).toArray());
    Dataset second = data.rows(IntStream.range(n1, n).map(i -> n - 1 - (i - n1)).toArray());
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
      gm[q] = (n1 * g1[q] + (n - n1) * g2[q]) / n;
      hm[q] = (n1 * h1[q] + (n - n1) * h2[q]) / n;
    }
    double ge = relErr(gm, g);
    double he = relErr(hm, h);
    report("gradient whole vs weighted halves rel err", ge);
    report("HVP whole vs weighted halves rel err", he);
    assertThat(ge).isLessThanOrEqualTo(1e-12);
    assertThat(he).isLessThanOrEqualTo(exactOr(1e-12));
  }

  @Test
  public void blockProductsEqualColumnByColumnProducts() {
    assumeCapable(Capability.HESSIAN_VECTOR_PRODUCT, Capability.GAUSS_NEWTON);
    int r = 4;
    double[][] cols = new double[r][];
    for (int j = 0; j < r; j++) {
      cols[j] = randomV(50 + j);
    }
    ModelPoint at = model.at(th, data);
    INDArray block = Numerics.block(cols, DataType.DOUBLE);
    INDArray hb = at.hessianVectorProduct(block);
    INDArray gb = at.gaussNewtonVectorProduct(block);
    assertThat(hb.shape()).containsExactly(p, r);
    double worst = 0;
    for (int j = 0; j < r; j++) {
      worst = Math.max(worst, relErr(Numerics.column(hb, j), hvp(cols[j])));
      worst = Math.max(worst, relErr(Numerics.column(gb, j), ggn(cols[j])));
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
    assertThat(arr(block)).containsExactly(arr(Numerics.block(cols, DataType.DOUBLE)));
    report("block (p x 4) vs column-by-column products, worst rel err", worst);
    assertThat(worst).isLessThanOrEqualTo(1e-12);
  }
}

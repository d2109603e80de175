package dev.unlearn.hessian.amortized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.testkit.Tolerance;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.core.train.TrainingResult;
import dev.unlearn.hessian.amortized.AmortizedDeleter.DeletionResult;
import dev.unlearn.hessian.amortized.AmortizedDeleter.Options;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.testing.Dense;
import dev.unlearn.hessian.unlearner.NewtonUnlearner;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class AmortizedDeleterTest {
  private static final Split SPLIT = Digits.standardSplit();
  private static final Dataset TRAIN = SPLIT.train();
  private static final Model MODEL = LogisticRegression.of(64, 10).withL2(1e-3);
  private static final TrainingRecipe RECIPE = TrainingRecipe.lbfgs(1e-6);
  private static final INDArray THETA0 = Trainer.train(MODEL, TRAIN, RECIPE).parameters();

  /** Mean KL(softmax(a) || softmax(b)) over the rows of two logit matrices, in double. */
  private static double meanKl(INDArray logitsA, INDArray logitsB) {
    double[][] a = Dense.matrix(logitsA);
    double[][] b = Dense.matrix(logitsB);
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double[] pa = softmax(a[i]);
      double[] pb = softmax(b[i]);
      for (int k = 0; k < pa.length; k++) {
        sum += pa[k] > 0 ? pa[k] * (Math.log(pa[k]) - Math.log(pb[k])) : 0;
      }
    }
    return sum / a.length;
  }

  private static double[] softmax(double[] z) {
    double max = Arrays.stream(z).max().orElseThrow();
    double[] p = new double[z.length];
    double s = 0;
    for (int k = 0; k < z.length; k++) {
      p[k] = Math.exp(z[k] - max);
      s += p[k];
    }
    for (int k = 0; k < z.length; k++) {
      p[k] /= s;
    }
    return p;
  }

  private static INDArray newtonDirect(INDArray theta, Dataset data, int[] forget) {
    return new NewtonUnlearner().unlearn(UnlearningRequest.builder(MODEL, theta, data)
        .forgetRows(forget).hyperparameter("curvature", "hessian")
        .hyperparameter("solver", "direct").build()).parameters();
  }

  /** theta_b - (H_S(theta_b) + 0)^-1 grad L_R(theta_b) by a dense solve in plain Java. */
  private static double[] denseStep(INDArray thetaB, Dataset prepared, Dataset retain) {
    double[][] h = Dense.matrix(Operators.hessian(MODEL.at(thetaB, prepared)).toDense());
    double[] g = MODEL.gradient(thetaB, retain).toDoubleVector();
    double[] x = Dense.solve(h, g);
    double[] t = thetaB.toDoubleVector();
    for (int i = 0; i < t.length; i++) {
      t[i] -= x[i];
    }
    return t;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  @Test
  void twentyOnePercentRequestsOnDigitsAreTheColdNewtonStepFromTheta0WithAnApproximateCurvature() {
    long seed = 13;
    System.out.println("AmortizedDeleterTest seed=" + seed);
    int n = TRAIN.size();
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int per = n / 100; // 14 rows, 1 %
    int requests = 20;
    AmortizedDeleter plain = AmortizedDeleter.prepare(MODEL, THETA0, TRAIN, Options.cholesky(0));
    AmortizedDeleter corrected = AmortizedDeleter.prepare(MODEL, THETA0, TRAIN,
        Options.cholesky(0).withCorrection(4));
    AmortizedDeleter reprepared = AmortizedDeleter.prepare(MODEL, THETA0, TRAIN,
        Options.cholesky(0).withReprepareFraction(0.05));
    System.out.println("preparation: " + plain.preparationCost());
    // the full-set gradient, plus every row's gradient term (the precomputed influence columns)
    assertThat(plain.preparationCost().gradientEvaluations()).isEqualTo(2.0);
    int[] ks = {2}; // printed only: 1-2 iterations are not enough here
    AmortizedDeleter[] extra = new AmortizedDeleter[ks.length];
    double[][] extraRatio = new double[ks.length][requests];
    double[][] extraKl = new double[ks.length][requests];
    for (int e = 0; e < ks.length; e++) {
      extra[e] = AmortizedDeleter.prepare(MODEL, THETA0, TRAIN, Options.cholesky(0).withCorrection(ks[e]));
    }
    INDArray testX = SPLIT.test().features();
    double[] dPlain = new double[requests];
    double[] dCorr = new double[requests];
    double[] dRep = new double[requests];
    double[] dCold = new double[requests];
    double[] dChain = new double[requests];
    double[] dOrig = new double[requests];
    double[] klPlain = new double[requests];
    double[] klCorr = new double[requests];
    double[] klCold = new double[requests];
    double[] times = new double[requests];
    double[] residuals = new double[requests];
    double maxGradEq = 0;
    INDArray chained = THETA0;
    INDArray exact = THETA0;
    INDArray rebaseTheta = null;
    int baseSize = n;
    int sinceBase = 0;
    int expectedPreparations = 1;
    for (int q = 0; q < requests; q++) {
      int[] rows = Arrays.copyOfRange(order, q * per, (q + 1) * per);
      int[] gone = Arrays.copyOfRange(order, 0, (q + 1) * per);
      Arrays.sort(gone);
      int[] before = Dataset.complement(Arrays.copyOfRange(order, 0, q * per), n);
      Dataset retain = TRAIN.without(gone);
      // oracles: retraining on R_j (warm-started L-BFGS to 1e-9), the cold Newton step from theta_0
      // on F_j (dense Hessian, Cholesky) and the chained cold steps on the current set
      exact = Trainer.builder(TrainingRecipe.lbfgs(1e-9).withMaxIterations(5000)).start(exact)
          .build().train(MODEL, retain).parameters();
      INDArray cold = newtonDirect(THETA0, TRAIN, gone);
      int[] local = new int[rows.length];
      for (int k = 0; k < rows.length; k++) {
        local[k] = Arrays.binarySearch(before, rows[k]);
      }
      chained = newtonDirect(chained, TRAIN.rows(before), local);
      if (q == 5) {
        rebaseTheta = reprepared.parameters(); // the theta the 6th request re-prepares at
      }
      DeletionResult r = plain.delete(rows);
      DeletionResult c = corrected.delete(rows);
      DeletionResult rr = reprepared.delete(rows);
      // re-preparation once the rows deleted since the last one would pass 5 % of its set
      boolean due = sinceBase > 0 && sinceBase + per > 0.05 * baseSize;
      if (due) {
        baseSize -= sinceBase;
        sinceBase = 0;
        expectedPreparations++;
      }
      sinceBase += per;
      assertThat(rr.reprepared()).as("request %d re-prepared", q + 1).isEqualTo(due);
      times[q] = r.cost().wallNanos() * 1e-9;
      maxGradEq = Math.max(maxGradEq, r.cost().gradientEvaluations());
      // the plain Cholesky deleter precomputed every row's gradient term at preparation (p n is
      // small): a request evaluates nothing, and the preparation counted one extra pass over the rows
      assertThat(r.cost().gradientEvaluations()).isZero();
      assertThat(r.cost().hessianVectorProducts()).isZero();
      assertThat(c.cost().hessianVectorProducts()).isEqualTo(4);
      assertThat(r.remaining()).isEqualTo(n - (q + 1) * per);
      residuals[q] = c.correctionResidual();
      for (int e = 0; e < ks.length; e++) {
        INDArray xe = extra[e].delete(rows).parameters();
        extraRatio[e][q] = Tolerance.relativeError(xe, exact) / Tolerance.relativeError(cold, exact);
        extraKl[e][q] = meanKl(MODEL.logits(exact, testX), MODEL.logits(xe, testX))
            / meanKl(MODEL.logits(exact, testX), MODEL.logits(cold, testX));
      }
      dPlain[q] = Tolerance.relativeError(r.parameters(), exact);
      dCorr[q] = Tolerance.relativeError(c.parameters(), exact);
      dRep[q] = Tolerance.relativeError(rr.parameters(), exact);
      dCold[q] = Tolerance.relativeError(cold, exact);
      dChain[q] = Tolerance.relativeError(chained, exact);
      dOrig[q] = Tolerance.relativeError(THETA0, exact);
      INDArray lr = MODEL.logits(exact, testX);
      klPlain[q] = meanKl(lr, MODEL.logits(r.parameters(), testX));
      klCorr[q] = meanKl(lr, MODEL.logits(c.parameters(), testX));
      klCold[q] = meanKl(lr, MODEL.logits(cold, testX));
      // the identity n_r grad L_R(theta_0) = n grad L_S(theta_0) - sum_F (grad l_i + l2 theta_0):
      // the plain step equals theta_0 - H_S(theta_0)^-1 grad L_R(theta_0) computed densely
      if (q == 0 || q == requests - 1) {
        double err = Tolerance.relativeError(r.parameters().toDoubleVector(),
            denseStep(THETA0, TRAIN, retain));
        System.out.printf("request %d: amortised step vs dense theta_0 - H_S^-1 grad L_R(theta_0): "
            + "%.2e%n", q + 1, err);
        assertThat(err).isLessThan(1e-8);
      }
      if (q == 5) { // re-prepared at theta_5 on R_5: theta_5 - H_{R_5}(theta_5)^-1 grad L_{R_6}(theta_5)
        double err = Tolerance.relativeError(rr.parameters().toDoubleVector(),
            denseStep(rebaseTheta, TRAIN.rows(before), retain));
        System.out.printf("request 6 after re-preparation vs dense step: %.2e%n", err);
        assertThat(err).isLessThan(1e-8);
      }
    }
    assertThat(reprepared.preparations()).isEqualTo(expectedPreparations).isEqualTo(5);
    TrainingResult retrain = Trainer.train(MODEL, TRAIN.without(Arrays.copyOf(order, requests * per)),
        RECIPE);
    double retrainGradEq = retrain.cost().gradientEvaluations();
    double medianTime = median(times);
    int[] show = {0, requests / 2 - 1, requests - 1};
    System.out.println("relative distance to the retrained model (requests 1, 10, 20; median):");
    String[] names = {"original", "amortised", "amortised + 4 PCG", "amortised, re-prepare 5 %",
        "cold Newton from theta_0", "chained cold Newton"};
    double[][] all = {dOrig, dPlain, dCorr, dRep, dCold, dChain};
    for (int k = 0; k < names.length; k++) {
      double[] d = all[k];
      System.out.printf("  %-26s %.4g %.4g %.4g; median %.4g%n", names[k], d[show[0]], d[show[1]],
          d[show[2]], median(d));
    }
    double[] ratio = new double[requests];
    double[] ratioCorr = new double[requests];
    double[] klRatio = new double[requests];
    double[] klRatioCorr = new double[requests];
    for (int q = 0; q < requests; q++) {
      ratio[q] = dPlain[q] / dCold[q];
      ratioCorr[q] = dCorr[q] / dCold[q];
      klRatio[q] = klPlain[q] / klCold[q];
      klRatioCorr[q] = klCorr[q] / klCold[q];
    }
    System.out.printf("distance / cold: amortised %.3f %.3f %.3f (max %.3f), + 4 PCG %.3f %.3f %.3f "
        + "(max %.3f); PCG relative residual %.2e .. %.2e%n", ratio[0], ratio[9], ratio[19],
        Arrays.stream(ratio).max().orElseThrow(), ratioCorr[0], ratioCorr[9], ratioCorr[19],
        Arrays.stream(ratioCorr).max().orElseThrow(), Arrays.stream(residuals).min().orElseThrow(),
        Arrays.stream(residuals).max().orElseThrow());
    System.out.printf("test KL(retrain || .): cold %.3e %.3e %.3e, amortised %.3e %.3e %.3e (max "
        + "ratio %.3f), + 4 PCG %.3e %.3e %.3e (max ratio %.3f)%n", klCold[0], klCold[9],
        klCold[19], klPlain[0], klPlain[9], klPlain[19],
        Arrays.stream(klRatio).max().orElseThrow(), klCorr[0], klCorr[9], klCorr[19],
        Arrays.stream(klRatioCorr).max().orElseThrow());
    System.out.printf("cost: per-request median %.3f ms, retraining (L-BFGS 1e-6, %d iterations) "
        + "%.1f ms, ratio %.0fx; gradient-equivalents per request %.4f vs retraining %.1f (%.2g %%)%n",
        medianTime * 1e3, retrain.iterations(), retrain.cost().seconds() * 1e3,
        retrain.cost().seconds() / medianTime, maxGradEq, retrainGradEq,
        100 * maxGradEq / retrainGradEq);
    for (int e = 0; e < ks.length; e++) {
      System.out.printf("with %d PCG iterations: max distance / cold %.3f, max KL / cold %.3f%n", ks[e],
          Arrays.stream(extraRatio[e]).max().orElseThrow(), Arrays.stream(extraKl[e]).max().orElseThrow());
    }
    assertThat(maxGradEq).isLessThanOrEqualTo(0.01 * retrainGradEq);
    for (int q = 0; q < requests; q++) {
      assertThat(dCorr[q]).as("request %d, corrected distance", q + 1)
          .isLessThanOrEqualTo(1.1 * dCold[q]);
      assertThat(klCorr[q]).as("request %d, corrected KL", q + 1)
          .isLessThanOrEqualTo(1.1 * klCold[q]);
      // the plain step (C = H_S, not H_R) is NOT within 1.1 x the cold step: measured 4-15 x in
      // distance (the removed rows' own curvature, weakly regularised: see docs/curvature.md); it
      // must still remove most of the distance to the retrained model
      assertThat(dPlain[q]).as("request %d, amortised distance", q + 1)
          .isLessThan(0.65 * dOrig[q]);
    }
    assertThat(dRep[requests - 1]).isLessThan(dPlain[requests - 1]);
  }

  @Test
  void lowRankAndFisherPreparationsServeRequestsToo() {
    int[] rows = ForgetSets.randomFraction(TRAIN, 0.05, 3);
    INDArray exact = Trainer.train(MODEL, TRAIN.without(rows), TrainingRecipe.lbfgs(1e-10)
        .withMaxIterations(5000)).parameters();
    double original = Tolerance.relativeError(THETA0, exact);
    for (Options o : new Options[] {Options.cholesky(0), Options.nystrom(100, 1e-2, 5),
        Options.nystrom(200, 1e-2, 5), Options.lanczos(60, 1e-2, 5), Options.fisher(512, 1e-2, 5),
        Options.nystrom(100, 1e-2, 5).withCorrection(2)}) {
      AmortizedDeleter d = AmortizedDeleter.prepare(MODEL, THETA0, TRAIN, o);
      DeletionResult r = d.delete(rows);
      double dist = Tolerance.relativeError(r.parameters(), exact);
      System.out.printf("  %-8s rank %d, %d PCG: prepared in %s; distance %.4g (original %.4g)%n",
          o.method(), o.rank(), o.correctionIterations(), d.preparationCost(), dist, original);
      assertThat(dist).as(o.toString()).isLessThan(original);
    }
  }

  @Test
  void rejectsBadRequestsAndOptions() {
    Dataset train = dev.unlearn.core.data.SyntheticData.generate(60, 4, 3, 1, 10).train();
    Model model = LogisticRegression.of(4, 3).withL2(1e-2);
    INDArray theta = Trainer.train(model, train, TrainingRecipe.lbfgs(1e-8)).parameters();
    AmortizedDeleter d = AmortizedDeleter.prepare(model, theta, train, Options.cholesky(0));
    d.delete(3, 4);
    assertThatThrownBy(() -> d.delete(4)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 4 was already deleted");
    assertThatThrownBy(() -> d.delete(60)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 60 must be in [0, 60)");
    assertThatThrownBy(() -> d.delete(7, 7)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> d.delete()).isInstanceOf(InvalidInputException.class);
    assertThat(d.remaining()).isEqualTo(58);
    assertThatThrownBy(() -> Options.cholesky(0).withCorrection(-1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("correctionIterations (-1) must be >= 0");
    assertThatThrownBy(() -> Options.cholesky(0).withReprepareFraction(0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("reprepareFraction (0.0) must be in (0, 1]");
  }
}

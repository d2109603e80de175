package dev.unlearn.hessian.unlearner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Certificate;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.data.SyntheticData;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.testkit.UnlearnerConformanceTest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class CertifiedRemovalUnlearnerTest extends UnlearnerConformanceTest {
  @Override
  protected Unlearner unlearner() {
    return new CertifiedRemovalUnlearner();
  }

  static final double SIGMA = 0.5;
  static final int NOISE_SEED = 7;

  /** The perturbed retain objective's gradient in the sum scale, n_r |grad L_r + b / n_r|. */
  static double trueResidual(Model model, INDArray theta, Dataset retain, double sigma, int seed) {
    INDArray b = CertifiedRemoval.noise(model, sigma, seed);
    INDArray g = model.gradient(theta, retain).addi(b.div(retain.size()));
    return retain.size() * Math.sqrt(g.mul(g).sumNumber().doubleValue());
  }

  /**
   * The bound's remainder term in Guo et al.'s form, (gamma/2) |X~|_2 max_i |x~_i| |v| |X~ V|_F, the
   * form used before the per-row bound (for the report only).
   */
  static double guoForm(Model model, Dataset retain, INDArray step) {
    double[] x = retain.features().dup('c').data().asDouble();
    int d = retain.numFeatures();
    double maxRow = 0;
    for (int i = 0; i < retain.size(); i++) {
      double s = 1;
      for (int j = 0; j < d; j++) {
        s += x[i * d + j] * x[i * d + j];
      }
      maxRow = Math.max(maxRow, Math.sqrt(s));
    }
    double xv = model.logits(step, retain.features(model.dataType())).norm2Number().doubleValue();
    return CertifiedRemoval.GAMMA / 2 * CertifiedRemoval.spectralNormWithOnes(x, retain.size(), d)
        * maxRow * step.norm2Number().doubleValue() * xv;
  }

  /** One trial setting: data, model, perturbation, and how many trials of 1..maxRows rows. */
  record Setting(String name, Dataset train, Model model, double sigma, int trials, int maxRows) {}

  @Test
  void boundIsNeverBelowTheTrueGradientResidualIn400RandomTrials() {
    long seed = 41;
    System.out.println("CertifiedRemovalUnlearnerTest bound seed=" + seed);
    Split digits = Digits.standardSplit();
    Dataset unit = CertifiedRemoval.unitRows(digits.train());
    Split synthetic = SyntheticData.generate(300, 6, 3, seed, 60);
    List<Setting> settings = List.of(
        new Setting("synthetic, l2 1e-2", synthetic.train(), LogisticRegression.of(6, 3)
            .withL2(1e-2), SIGMA, 150, 5),
        new Setting("synthetic, l2 1e-4", synthetic.train(), LogisticRegression.of(6, 3)
            .withL2(1e-4), 0.05, 50, 1),
        new Setting("digits unit rows, l2 1e-2", unit, LogisticRegression.of(64, 10)
            .withL2(1e-2), 1.0, 100, 3),
        new Setting("digits z-scored, l2 1e-3", digits.train(), LogisticRegression.of(64, 10)
            .withL2(1e-3), 1.0, 100, 3));
    SplittableRandom rng = new SplittableRandom(seed);
    int total = 0;
    for (Setting st : settings) {
      Dataset train = st.train();
      Model model = st.model();
      INDArray theta = CertifiedRemoval.trainPerturbed(model, train, TrainingRecipe.lbfgs(1e-12),
          st.sigma(), NOISE_SEED).parameters();
      double minRatio = Double.POSITIVE_INFINITY;
      double maxRatio = 0;
      double minGuo = Double.POSITIVE_INFINITY;
      double maxGuo = 0;
      for (int t = 0; t < st.trials(); t++) {
        int[] rows = rng.ints(0, train.size()).distinct().limit(1 + rng.nextInt(st.maxRows()))
            .toArray();
        UnlearningResult r = unlearner().unlearn(UnlearningRequest.builder(model, theta, train)
            .forgetRows(rows).hyperparameters(Map.of("sigma", st.sigma(), "noise-seed",
                NOISE_SEED)).build());
        double bound = r.diagnostics().get("residual-bound");
        double truth = trueResidual(model, r.parameters(), train.without(rows), st.sigma(),
            NOISE_SEED);
        assertThat(bound).as("%s, removal of rows %s", st.name(), Arrays.toString(rows))
            .isGreaterThanOrEqualTo(truth);
        assertThat(r.diagnostics().get("gradient-residual")).isCloseTo(truth,
            org.assertj.core.data.Offset.offset(1e-9 * truth + 1e-15));
        minRatio = Math.min(minRatio, bound / truth);
        maxRatio = Math.max(maxRatio, bound / truth);
        double guo = guoForm(model, train.without(rows), r.parameters().sub(theta));
        minGuo = Math.min(minGuo, guo / truth);
        maxGuo = Math.max(maxGuo, guo / truth);
        total++;
      }
      System.out.printf("certified-removal, %s, %d removals of 1..%d rows: bound / true residual "
          + "in [%.3g, %.3g] (Guo et al.'s form: [%.3g, %.3g])%n", st.name(), st.trials(),
          st.maxRows(), minRatio, maxRatio, minGuo, maxGuo);
    }
    assertThat(total).isEqualTo(400);
  }

  /**
   * The defaults against the target: on digits (unit rows, lambda 0.1) the budget at epsilon
   * = 1, delta = 1e-4 supports at least 100 sequential single-row removals, and the perturbed model's
   * test accuracy is on average within 3 points of the unperturbed model's (the oracle: the same
   * model trained without perturbation), over three noise seeds.
   */
  @Test
  void theDefaultsSupportAHundredRemovalsOnDigitsWithinThreePointsOfAccuracy() {
    Split digits = Digits.standardSplit();
    Dataset train = CertifiedRemoval.unitRows(digits.train());
    Dataset test = CertifiedRemoval.unitRows(digits.test());
    Model model = LogisticRegression.of(64, 10).withL2(0.1);
    double plain = accuracy(model, Trainer.train(model, train, TrainingRecipe.lbfgs(1e-10))
        .parameters(), test);
    double sumDrop = 0;
    for (int noiseSeed = 0; noiseSeed < 3; noiseSeed++) {
      INDArray theta = CertifiedRemoval.trainPerturbed(model, train, TrainingRecipe.lbfgs(1e-10),
          CertifiedRemovalUnlearner.DEFAULT_SIGMA, noiseSeed).parameters();
      double perturbed = accuracy(model, theta, test);
      SplittableRandom rng = new SplittableRandom(100 + noiseSeed);
      Dataset data = train;
      double spent = 0;
      Certificate cert = null;
      for (int t = 0; t < 100; t++) {
        int row = rng.nextInt(data.size());
        UnlearningResult r = unlearner().unlearn(UnlearningRequest.builder(model, theta, data)
            .forgetRows(row).hyperparameter("noise-seed", noiseSeed)
            .hyperparameter("spent-budget", spent).build());
        cert = r.certificate().orElseThrow();
        assertThat(cert.retrainRequired()).as("removal %d, noise seed %d: %s", t + 1, noiseSeed,
            cert).isFalse();
        spent = cert.spent();
        theta = r.parameters();
        data = data.without(new int[] {row});
      }
      assertThat(cert.delta()).isCloseTo(1e-4, org.assertj.core.data.Offset.offset(1e-16));
      assertThat(cert.epsilon()).isEqualTo(1.0);
      System.out.printf("certified-removal defaults, noise seed %d: 100 removals spent %.4f of "
          + "%.4f; test accuracy %.4f perturbed, %.4f unperturbed, %.4f after the removals%n",
          noiseSeed, cert.spent(), cert.budget(), perturbed, plain, accuracy(model, theta, test));
      sumDrop += plain - perturbed;
    }
    assertThat(sumDrop / 3).as("mean accuracy drop").isLessThanOrEqualTo(0.03);
  }

  static double accuracy(Model model, INDArray theta, Dataset data) {
    INDArray pred = model.logits(theta, data.features(model.dataType())).argMax(1);
    int hit = 0;
    for (int i = 0; i < data.size(); i++) {
      hit += pred.getInt(i) == data.label(i) ? 1 : 0;
    }
    return hit / (double) data.size();
  }

  @Test
  void epsilonDeltaAndBudgetFollowThePaper() {
    double c = 3.0;
    double eps = 0.5;
    UnlearningResult r = run(request().hyperparameters(Map.of("sigma", 2.0, "c", c,
        "epsilon", eps)).build());
    Certificate cert = r.certificate().orElseThrow();
    assertThat(cert.delta()).isCloseTo(1.5 * Math.exp(-4.5), org.assertj.core.data.Offset.offset(1e-15));
    assertThat(cert.epsilon()).isEqualTo(eps);
    assertThat(cert.budget()).isCloseTo(2.0 * 0.5 / 3.0, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(cert.spent()).isEqualTo(r.diagnostics().get("residual-bound"));
  }

  @Test
  void cForDeltaInvertsDeltaAndUnitRowsScalesRowsWithoutTouchingTheInput() {
    for (double delta : new double[] {1e-4, 1e-6, 0.01}) {
      assertThat(CertifiedRemoval.delta(CertifiedRemoval.cForDelta(delta)))
          .isCloseTo(delta, org.assertj.core.data.Offset.offset(1e-13 * delta));
    }
    assertThatThrownBy(() -> CertifiedRemoval.cForDelta(2)).isInstanceOf(
        InvalidInputException.class).hasMessageContaining("delta (2.0) must be in (0, 1.5)");
    double[][] x = {{3, 4}, {0, 0}, {-1, 0}};
    Dataset data = Dataset.of(org.nd4j.linalg.factory.Nd4j.createFromArray(x), new int[] {0, 1, 1},
        2, new int[] {5, 6, 7});
    Dataset unit = CertifiedRemoval.unitRows(data);
    assertThat(unit.features().toDoubleMatrix()).isDeepEqualTo(
        new double[][] {{0.6, 0.8}, {0, 0}, {-1, 0}});
    assertThat(data.features().toDoubleMatrix()).isDeepEqualTo(x);
    assertThat(unit.labels()).containsExactly(0, 1, 1);
    assertThat(unit.groups()).hasValueSatisfying(g -> assertThat(g).containsExactly(5, 6, 7));
  }

  @Test
  void aBoundThatIsNotANumberNeverCertifies() {
    // One feature of 1e155 (accepted by Dataset.of) makes the bound's norms overflow (to
    // infinity here; to NaN when the step is 0, as infinity x 0). Before the fix the decision was
    // spent > budget, false for NaN, and the certificate said all was well.
    Split s = SyntheticData.generate(60, 4, 2, 5, 20);
    double[][] x = s.train().features().toDoubleMatrix();
    x[3][1] = 1e155;
    Model model = LogisticRegression.of(4, 2).withL2(1e-2);
    INDArray theta = model.initialParameters(1);
    // Row 3 gets the label its huge logits predict: its probabilities are exactly one-hot, so it
    // adds exactly nothing to the gradient and the curvature (the solve is fine) while its norm
    // makes the bound's ||X||_2 overflow.
    INDArray features = org.nd4j.linalg.factory.Nd4j.createFromArray(x);
    int[] y = s.train().labels().clone();
    y[3] = model.logits(theta, features).getRow(3).argMax().getInt(0);
    Dataset data = Dataset.of(features, y, 2);
    UnlearningResult r = unlearner().unlearn(UnlearningRequest.builder(model, theta, data)
        .forgetRows(7).hyperparameters(Map.of("sigma", SIGMA, "noise-seed", NOISE_SEED)).build());
    double bound = r.diagnostics().get("residual-bound");
    System.out.println("residual bound with a 1e155 feature: " + bound + ", " + r.certificate());
    assertThat(Double.isFinite(bound)).isFalse();
    assertThat(r.certificate().orElseThrow().retrainRequired()).isTrue();
    assertThat(r.converged()).isFalse();
    // The certificate itself refuses to certify a non-finite bound, whoever builds it.
    assertThat(new Certificate(1, 1e-4, 2, Double.NaN, false).retrainRequired()).isTrue();
    assertThat(new Certificate(1, 1e-4, 2, Double.POSITIVE_INFINITY, false).retrainRequired())
        .isTrue();
    assertThat(new Certificate(1, 1e-4, Double.NaN, 1, false).retrainRequired()).isTrue();
    assertThat(Certificate.of(1, 1e-4, 2, 1).retrainRequired()).isFalse();
  }

  @Test
  void successiveRemovalsSpendTheBudgetUntilRetrainIsRequired() {
    long seed = 43;
    System.out.println("CertifiedRemovalUnlearnerTest sequence seed=" + seed);
    Split s = SyntheticData.generate(300, 6, 3, seed, 60);
    Model model = LogisticRegression.of(6, 3).withL2(1e-2);
    Dataset data = s.train();
    INDArray theta = CertifiedRemoval.trainPerturbed(model, data, TrainingRecipe.lbfgs(1e-12),
        SIGMA, NOISE_SEED).parameters();
    double spent = 0;
    double sum = 0;
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, Object> hp = Map.of("sigma", SIGMA, "noise-seed", NOISE_SEED, "epsilon", 40.0);
    int removals = 0;
    Certificate cert;
    do {
      int row = rng.nextInt(data.size());
      UnlearningResult r = unlearner().unlearn(UnlearningRequest.builder(model, theta, data)
          .forgetRows(row).hyperparameters(hp).hyperparameter("spent-budget", spent).build());
      cert = r.certificate().orElseThrow();
      sum += r.diagnostics().get("residual-bound");
      assertThat(cert.spent()).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-12 * sum));
      assertThat(cert.retrainRequired()).isEqualTo(sum > cert.budget());
      assertThat(r.converged()).isEqualTo(!cert.retrainRequired());
      spent = cert.spent();
      theta = r.parameters();
      data = data.without(new int[] {row});
      removals++;
    } while (!cert.retrainRequired() && removals < 500);
    System.out.printf("certified-removal: budget %.4g exhausted after %d removals (%s)%n",
        cert.budget(), removals, cert);
    assertThat(cert.retrainRequired()).isTrue();
    assertThat(removals).isGreaterThan(1);
  }

  @Test
  void refusesModelsItCannotCertify() {
    assertThat(unlearner().supports(Mlp.of(Activation.TANH, 8, 4, 3))).isFalse();
    Model noL2 = LogisticRegression.of(8, 3);
    UnlearningRequest r = UnlearningRequest.builder(noL2, fixture.theta(), fixture.train())
        .forgetRows(fixture.forget()).build();
    assertThatThrownBy(() -> run(r)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("l2 (0.0) must be > 0");
  }
}

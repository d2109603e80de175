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
import dev.unlearn.core.data.Split;
import dev.unlearn.core.data.SyntheticData;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.testkit.UnlearnerConformanceTest;
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
  static double trueResidual(Model model, INDArray theta, Dataset retain) {
    INDArray b = CertifiedRemoval.noise(model, SIGMA, NOISE_SEED);
    INDArray g = model.gradient(theta, retain).addi(b.div(retain.size()));
    return retain.size() * Math.sqrt(g.mul(g).sumNumber().doubleValue());
  }

  @Test
  void boundIsNeverBelowTheTrueGradientResidual() {
    long seed = 41;
    System.out.println("CertifiedRemovalUnlearnerTest bound seed=" + seed);
    Split s = SyntheticData.generate(300, 6, 3, seed, 60);
    Model model = LogisticRegression.of(6, 3).withL2(1e-2);
    Dataset train = s.train();
    INDArray theta = CertifiedRemoval.trainPerturbed(model, train, TrainingRecipe.lbfgs(1e-12),
        SIGMA, NOISE_SEED).parameters();
    SplittableRandom rng = new SplittableRandom(seed);
    double minRatio = Double.POSITIVE_INFINITY;
    double maxRatio = 0;
    double maxResidual = 0;
    for (int t = 0; t < 100; t++) {
      int row = rng.nextInt(train.size());
      UnlearningResult r = unlearner().unlearn(UnlearningRequest.builder(model, theta, train)
          .forgetRows(row).hyperparameters(Map.of("sigma", SIGMA, "noise-seed", NOISE_SEED))
          .build());
      double bound = r.diagnostics().get("residual-bound");
      double truth = trueResidual(model, r.parameters(), train.without(new int[] {row}));
      assertThat(bound).as("removal of row %d", row).isGreaterThanOrEqualTo(truth);
      assertThat(r.diagnostics().get("gradient-residual")).isCloseTo(truth,
          org.assertj.core.data.Offset.offset(1e-9 * truth + 1e-15));
      minRatio = Math.min(minRatio, bound / truth);
      maxRatio = Math.max(maxRatio, bound / truth);
      maxResidual = Math.max(maxResidual, truth);
    }
    System.out.printf("certified-removal, 100 single-row removals: bound / true residual in "
        + "[%.3g, %.3g], largest true residual %.3g%n", minRatio, maxRatio, maxResidual);
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

package dev.unlearn.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.hessian.unlearner.CertifiedRemoval;
import dev.unlearn.hessian.unlearner.CertifiedRemovalUnlearner;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The second-order unlearners and L-BFGS training, unchanged, over distributed data against the
 * same calls on the in-memory data (the oracle): newton with the exact Hessian and CG, with the
 * Gauss-Newton matrix and Nystrom-PCG, fisher-removal and fisher-forgetting, on digits.
 */
class UnlearnersOverSparkTest {
  static final TrainingRecipe RECIPE = TrainingRecipe.lbfgs(1e-8);

  static UnlearningResult run(String method, Model model, INDArray theta, Dataset train,
      int[] forget, Map<String, Object> hp) {
    Unlearner u = Unlearners.forName(method);
    return u.unlearn(UnlearningRequest.builder(model, theta, train).forgetRows(forget)
        .hyperparameters(hp).seed(3).build());
  }

  static void same(String what, Model model, INDArray theta, Dataset train, DistributedData data,
      int[] forget, String method, Map<String, Object> hp, double tol) {
    UnlearningResult mem = run(method, model, theta, train, forget, hp);
    UnlearningResult dist = run(method, DistributedModel.of(model, data), theta, data.index(),
        forget, hp);
    double rel = SparkTests.relative(dist.parameters(), mem.parameters());
    double moved = SparkTests.relative(mem.parameters(), theta);
    System.out.printf("%s, %s %s: distributed vs in-memory %.2e relative (the step moved theta "
        + "%.2e)%n", what, method, hp, rel, moved);
    assertThat(moved).as("the step moved theta").isGreaterThan(1e-4);
    assertThat(rel).as(what + " " + method + " " + hp).isLessThanOrEqualTo(tol);
  }

  @Test
  void logisticRegressionOnDigits() {
    Dataset train = Digits.standardSplit().train();
    Model model = LogisticRegression.of(64, 10).withL2(1e-3);
    INDArray theta = Trainer.train(model, train, RECIPE).parameters();
    int[] forget = new Random(5).ints(0, train.size()).distinct().limit(72).toArray();
    try (DistributedData data = DistributedData.of(SparkTests.context(), train, 4)) {
      same("digits logistic", model, theta, train, data, forget, "newton",
          Map.of("curvature", "hessian", "solver", "cg", "tolerance", 1e-12), 1e-10);
      same("digits logistic", model, theta, train, data, forget, "newton",
          Map.of("curvature", "ggn", "solver", "pcg-nystrom", "rank", 20, "damping", 1e-4,
              "tolerance", 1e-12),
          1e-10);
      same("digits logistic", model, theta, train, data, forget, "fisher-removal", Map.of(),
          1e-10);
      same("digits logistic", model, theta, train, data, forget, "fisher-forgetting", Map.of(),
          1e-10);
      // retraining by L-BFGS on the handles of the remaining rows
      Dataset retain = train.without(forget);
      INDArray mem = Trainer.train(model, retain, RECIPE).parameters();
      INDArray dist = Trainer.train(DistributedModel.of(model, data), data.index().without(forget),
          RECIPE).parameters();
      double rel = SparkTests.relative(dist, mem);
      System.out.printf("digits logistic, L-BFGS retrain: distributed vs in-memory %.2e%n", rel);
      assertThat(rel).isLessThanOrEqualTo(1e-8);
    }
  }

  @Test
  void certifiedRemovalGivesTheSameStepBoundAndCertificate() {
    Dataset train = CertifiedRemoval.unitRows(Digits.standardSplit().train());
    Model model = LogisticRegression.of(64, 10).withL2(0.1);
    INDArray theta = CertifiedRemoval.trainPerturbed(model, train, TrainingRecipe.lbfgs(1e-10),
        CertifiedRemovalUnlearner.DEFAULT_SIGMA, 0).parameters();
    int[] forget = {3, 700, 1200};
    try (DistributedData data = DistributedData.of(SparkTests.context(), train, 4)) {
      Map<String, Object> hp = Map.of("tolerance", 1e-12);
      UnlearningResult mem = run("certified-removal", model, theta, train, forget, hp);
      UnlearningResult dist = run("certified-removal", DistributedModel.of(model, data), theta,
          data.index(), forget, hp);
      double rel = SparkTests.relative(dist.parameters(), mem.parameters());
      double bound = mem.diagnostics().get("residual-bound");
      double boundGap = Math.abs(dist.diagnostics().get("residual-bound") - bound) / bound;
      System.out.printf("digits logistic (unit rows), certified-removal: parameters %.2e, "
          + "bound %.2e relative; %s%n", rel, boundGap, dist.certificate().orElseThrow());
      assertThat(rel).isLessThanOrEqualTo(1e-10);
      assertThat(boundGap).isLessThanOrEqualTo(1e-10);
      assertThat(dist.certificate().orElseThrow().retrainRequired()).isFalse();
      assertThat(dist.certificate().orElseThrow().budget())
          .isEqualTo(mem.certificate().orElseThrow().budget());
    }
  }

  @Test
  void aForgetSetOfGroupIdsForgetsTheSameRows() {
    Dataset plain = Digits.standardSplit().train();
    int[] groups = new int[plain.size()];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = i / 7; // a "user" owns 7 consecutive rows
    }
    Dataset train = plain.withGroups(groups);
    Model model = LogisticRegression.of(64, 10).withL2(1e-3);
    INDArray theta = Trainer.train(model, train, RECIPE).parameters();
    int[] users = {3, 50, 51, 190};
    try (DistributedData data = DistributedData.of(SparkTests.context(), train, 4)) {
      assertThat(data.index().groups()).hasValueSatisfying(g -> assertThat(g).isEqualTo(groups));
      Map<String, Object> hp = Map.of("curvature", "hessian", "tolerance", 1e-12);
      UnlearningResult mem = Unlearners.forName("newton").unlearn(UnlearningRequest.builder(
          model, theta, train).forgetGroups(users).hyperparameters(hp).build());
      UnlearningResult dist = Unlearners.forName("newton").unlearn(UnlearningRequest.builder(
          DistributedModel.of(model, data), theta, data.index()).forgetGroups(users)
          .hyperparameters(hp).build());
      double rel = SparkTests.relative(dist.parameters(), mem.parameters());
      System.out.printf("digits logistic, newton forgetting 4 groups of 7 rows: distributed vs "
          + "in-memory %.2e%n", rel);
      assertThat(rel).isLessThanOrEqualTo(1e-10);
      assertThat(SparkTests.relative(mem.parameters(), theta)).isGreaterThan(1e-4);
    }
  }

  @Test
  void mlpOnDigits() {
    Dataset train = Digits.standardSplit().train();
    Model model = Mlp.of(Activation.TANH, 64, 32, 10).withL2(1e-3);
    INDArray theta = Trainer.train(model, train, TrainingRecipe.lbfgs(1e-5)).parameters();
    int[] forget = new Random(6).ints(0, train.size()).distinct().limit(72).toArray();
    try (DistributedData data = DistributedData.of(SparkTests.context(), train, 3)) {
      same("digits mlp", model, theta, train, data, forget, "newton",
          Map.of("curvature", "ggn", "solver", "cg", "tolerance", 1e-12), 1e-10);
      same("digits mlp", model, theta, train, data, forget, "fisher-removal", Map.of(), 1e-10);
    }
  }
}

package dev.unlearn.hessian.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.testkit.Tolerance;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.core.train.TrainingResult;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Newton removal on digits logistic regression (&lambda; = 1e-3, 1437 rows, 10 % forgotten) against
 * the model retrained on the retain set by L-BFGS to 1e-10 (the peer's "newton-unlearn" setting).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NewtonDigitsTest {
  static final long SEED = 0;
  Model model;
  Dataset train;
  INDArray theta;
  int[] forget;
  INDArray retrained;
  double original;

  @BeforeAll
  void train() {
    System.out.println("NewtonDigitsTest forget seed=" + SEED);
    train = Digits.standardSplit().train();
    model = LogisticRegression.of(64, 10).withL2(1e-3);
    theta = Trainer.train(model, train, TrainingRecipe.lbfgs(1e-6)).parameters();
    forget = ForgetSets.randomFraction(train, 0.1, SEED);
    TrainingResult r = Trainer.train(model, train.without(forget),
        TrainingRecipe.lbfgs(1e-10).withMaxIterations(5000));
    System.out.printf("retrain: %d iterations, |grad| = %.3g, %.3f s%n", r.iterations(),
        r.gradientNorm(), r.cost().seconds());
    assertThat(r.gradientNorm()).isLessThan(1e-8);
    retrained = r.parameters();
    original = distance(theta);
  }

  double distance(INDArray t) {
    return Tolerance.relativeError(t, retrained);
  }

  static double cosine(INDArray a, INDArray b) {
    double[] x = a.toDoubleVector();
    double[] y = b.toDoubleVector();
    double xy = 0;
    double xx = 0;
    double yy = 0;
    for (int i = 0; i < x.length; i++) {
      xy += x[i] * y[i];
      xx += x[i] * x[i];
      yy += y[i] * y[i];
    }
    return xy / Math.sqrt(xx * yy);
  }

  UnlearningResult newton(Map<String, Object> hp) {
    return new NewtonUnlearner().unlearn(UnlearningRequest.builder(model, theta, train)
        .forgetRows(forget).hyperparameters(hp).seed(3).build());
  }

  @Test
  void oneStepThenThreeStepsApproachTheRetrainedModel() {
    UnlearningResult one = newton(Map.of("tolerance", 1e-10));
    UnlearningResult three = newton(Map.of("tolerance", 1e-10, "steps", 3));
    double abs1 = Tolerance.relativeError(one.parameters(), retrained)
        * Math.sqrt(retrained.mul(retrained).sumNumber().doubleValue());
    System.out.printf("newton digits: |theta - theta_r|/|theta_r| original %.4g, 1 step %.4g "
        + "(absolute %.4g; %s), 3 steps %.3g (%s)%n", original, distance(one.parameters()), abs1,
        one.cost(), distance(three.parameters()), three.cost());
    System.out.println("  diagnostics 1 step: " + one.diagnostics());
    assertThat(distance(one.parameters())).isLessThan(0.15);
    assertThat(distance(three.parameters())).isLessThan(1e-3);
  }

  @Test
  void everyCurvatureAndSolverGivesASensibleStep() {
    INDArray direct = newton(Map.of("solver", "direct")).parameters();
    INDArray cg = newton(Map.of("solver", "cg", "tolerance", 1e-8)).parameters();
    double cgVsDirect = Tolerance.relativeError(cg, direct);
    System.out.printf("cg vs direct: %.3g%n", cgVsDirect);
    assertThat(cgVsDirect).isLessThan(1e-6);
    String[][] combos = {
        {"ggn", "cg", "0"}, {"hessian", "pcg-nystrom", "1e-3"}, {"hessian", "lissa", "1e-2"},
        {"ggn", "lowrank", "1e-2"}, {"fisher", "cg", "0"}, {"fisher", "direct", "0"},
        {"diagonal", "cg", "0"}};
    double ggn = Double.NaN;
    for (String[] c : combos) {
      Map<String, Object> hp = new java.util.HashMap<>(Map.of("curvature", c[0], "damping",
          Double.parseDouble(c[2]), "tolerance", 1e-6, "rank", c[1].equals("lowrank") ? 100 : 60));
      if (c[1].equals("lissa-batch")) {
        hp.putAll(Map.of("solver", "lissa", "lissa-batch", 256, "tolerance", 0.2,
            "lissa-iterations", 5000));
      } else {
        hp.put("solver", c[1]);
      }
      UnlearningResult r = newton(hp);
      double dist = distance(r.parameters());
      double cos = cosine(r.parameters().sub(theta), direct.sub(theta));
      System.out.printf("  %-9s %-12s damping %-5s: distance %.4g, cos(step, exact step) %.3f, "
          + "residual %.2g, %d HVPs, %.3f s%n", c[0], c[1], c[2], dist, cos,
          r.diagnostics().get("residual-norm"), r.cost().hessianVectorProducts(),
          r.cost().seconds());
      if (c[0].equals("hessian") || c[0].equals("ggn")) {
        assertThat(dist).as("%s/%s", c[0], c[1]).isLessThan(original);
      } else {
        // the empirical Fisher is not the Hessian (it is much smaller near a well-fitted optimum),
        // so its step overshoots; it must still point the same way as the exact Newton step
        assertThat(cos).as("%s/%s", c[0], c[1]).isGreaterThan(0.3);
      }
      if (c[0].equals("ggn")  && c[1].equals("cg")) {
        ggn = Tolerance.relativeError(r.parameters(), direct);
      }
    }
    // for logistic regression the Gauss-Newton matrix is the Hessian
    assertThat(ggn).isLessThan(1e-4);
  }
}

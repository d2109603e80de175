package dev.unlearn.hessian.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.core.train.Trainer;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Fisher removal and Fisher forgetting on the digits MLP against the retrained model. */
@Tag("slow")
class FisherMlpDigitsTest {

  static double accuracy(Model model, INDArray theta, Dataset data) {
    long[] pred = model.logits(theta, data.features(model.dataType())).argMax(1).toLongVector();
    int ok = 0;
    for (int i = 0; i < pred.length; i++) {
      ok += pred[i] == data.label(i) ? 1 : 0;
    }
    return ok / (double) pred.length;
  }

  static double forgetLoss(Model model, INDArray theta, Dataset data) {
    double[] losses = model.perExampleLosses(theta, data).toDoubleVector();
    double sum = 0;
    for (double v : losses) {
      sum += v;
    }
    return sum / losses.length;
  }

  @Test
  void forgetAccuracyMovesTowardRetrainingAndTestAccuracyHolds() {
    long seed = 0;
    System.out.println("FisherMlpDigitsTest seed=" + seed);
    Split s = Digits.standardSplit();
    Dataset train = s.train();
    Model model = Mlp.of(Activation.TANH, 64, 128, 10).withL2(1e-3);
    TrainingRecipe recipe = TrainingRecipe.adam(30, 64, 1e-3, seed);
    INDArray theta = Trainer.train(model, train, recipe).parameters();
    int[] forget = ForgetSets.randomFraction(train, 0.1, seed);
    Dataset forgetSet = train.rows(forget);
    INDArray retrained = Trainer.train(model, train.without(forget), recipe).parameters();
    double fR = accuracy(model, retrained, forgetSet);
    double tR = accuracy(model, retrained, s.test());
    double f0 = accuracy(model, theta, forgetSet);
    double t0 = accuracy(model, theta, s.test());
    double lR = forgetLoss(model, retrained, forgetSet);
    double l0 = forgetLoss(model, theta, forgetSet);
    System.out.printf("mlp digits: original forget %.4f (loss %.4f) test %.4f; retrained forget "
        + "%.4f (loss %.4f) test %.4f%n", f0, l0, t0, fR, lR, tR);
    Object[][] runs = {
        {new FisherRemovalUnlearner(), Map.of("fisher-samples", 128, "step-size", 0.05)},
        {new FisherForgettingUnlearner(), Map.of("fisher-samples", 128, "step-size", 0.05, "noise-variance", 1e-12)}};
    for (Object[] run : runs) {
      Unlearner u = (Unlearner) run[0];
      @SuppressWarnings("unchecked")
      Map<String, Object> hp = (Map<String, Object>) run[1];
      var r = u.unlearn(UnlearningRequest.builder(model, theta, train).forgetRows(forget)
          .recipe(recipe).hyperparameters(hp).seed(1).build());
      double f = accuracy(model, r.parameters(), forgetSet);
      double t = accuracy(model, r.parameters(), s.test());
      double l = forgetLoss(model, r.parameters(), forgetSet);
      System.out.printf("  %-17s forget %.4f (loss %.4f) test %.4f (%s) %s%n", u.name(), f, l, t,
          r.cost(), r.diagnostics());
      // forget accuracy is 1.0 vs 0.986 (2 of 144 rows), too coarse: the forget-set loss must move
      // toward the retrained model's
      assertThat(Math.abs(l - lR)).as(u.name() + " forget loss gap").isLessThan(Math.abs(l0 - lR));
      assertThat(Math.abs(t - tR)).as(u.name() + " test accuracy").isLessThanOrEqualTo(0.02);
    }
  }
}

package dev.unlearn.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.data.SyntheticData;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TrainerTest {

  static double accuracy(Model model, INDArray theta, Dataset data) {
    long[] pred = model.logits(theta, data.features(model.dataType())).argMax(1).toLongVector();
    int ok = 0;
    for (int i = 0; i < pred.length; i++) {
      ok += pred[i] == data.label(i) ? 1 : 0;
    }
    return ok / (double) pred.length;
  }

  @Test
  void lbfgsTrainsDigitsLogisticRegressionToTheTargets() {
    Split digits = Digits.standardSplit();
    Model model = LogisticRegression.of(64, 10).withL2(1e-3);
    TrainingResult r = Trainer.train(model, digits.train(), TrainingRecipe.lbfgs(1e-6));
    double testAcc = accuracy(model, r.parameters(), digits.test());
    // the optimality condition, recomputed independently of the trainer's own bookkeeping
    double g = model.gradient(r.parameters(), digits.train()).norm2Number().doubleValue();
    System.out.printf("digits logistic L-BFGS: %d iterations, %.1f grad-eq, |g| = %.3g, test acc %.4f,"
        + " %.1f ms (PyTorch peer: 62 iterations, 0.969)%n", r.iterations(),
        r.cost().gradientEvaluations(), g, testAcc, r.cost().seconds() * 1e3);
    assertThat(r.converged()).isTrue();
    assertThat(g).isLessThanOrEqualTo(1e-6);
    assertThat(r.gradientNorm()).isCloseTo(g, Offset.offset(1e-12));
    assertThat(testAcc).isGreaterThanOrEqualTo(0.96);
  }

  @Test
  void sameRecipeGivesBitwiseTheSameParameters() {
    Split s = SyntheticData.generate(300, 10, 4, 3, 50);
    Model logistic = LogisticRegression.of(10, 4).withL2(1e-2);
    Model mlp = Mlp.of(Activation.TANH, 10, 12, 4).withL2(1e-3);
    TrainingRecipe lbfgs = TrainingRecipe.lbfgs(1e-9);
    TrainingRecipe adam = TrainingRecipe.adam(5, 32, 1e-2, 9);
    TrainingRecipe sgd = TrainingRecipe.sgd(5, 32, 1e-2, 0.9, 9);
    for (var c : List.of(List.of(logistic, lbfgs), List.of(mlp, adam), List.of(mlp, sgd))) {
      Model m = (Model) c.get(0);
      TrainingRecipe r = (TrainingRecipe) c.get(1);
      double[] a = Trainer.train(m, s.train(), r).parameters().toDoubleVector();
      double[] b = Trainer.train(m, s.train(), r).parameters().toDoubleVector();
      assertThat(a).as(r.toString()).containsExactly(b);
    }
    double[] other = Trainer.train(mlp, s.train(), adam.withSeed(10)).parameters().toDoubleVector();
    assertThat(other).isNotEqualTo(Trainer.train(mlp, s.train(), adam).parameters().toDoubleVector());
  }

  @Test
  void adamAndSgdLowerTheObjectiveAndReportProgress() {
    Split s = SyntheticData.generate(300, 10, 4, 3, 50);
    Model mlp = Mlp.of(Activation.TANH, 10, 12, 4).withL2(1e-3);
    double start = mlp.loss(mlp.initialParameters(9), s.train());
    for (TrainingRecipe r : List.of(TrainingRecipe.adam(10, 32, 1e-2, 9),
        TrainingRecipe.sgd(10, 32, 5e-2, 0.9, 9))) {
      List<Double> epochLosses = new ArrayList<>();
      TrainingResult t = Trainer.builder(r).listener((i, loss, gn) -> epochLosses.add(loss)).build()
          .train(mlp, s.train());
      System.out.printf("%s: objective %.4f -> %.4f%n", r, start, t.loss());
      assertThat(t.loss()).isLessThan(0.8 * start);
      assertThat(epochLosses).hasSize(10);
      assertThat(t.iterations()).isEqualTo(10 * ((300 + 31) / 32));
      assertThat(t.loss()).isCloseTo(mlp.loss(t.parameters(), s.train()), Offset.offset(1e-12));
      // gradient-equivalents: one per epoch plus the final full-batch evaluation
      assertThat(t.cost().gradientEvaluations()).isCloseTo(11.0, Offset.offset(1e-12));
    }
  }

  @Test
  void aLinearTermShiftsTheOptimumToGradientEqualsMinusC() {
    Split s = SyntheticData.generate(200, 6, 3, 4, 20);
    Model model = LogisticRegression.of(6, 3).withL2(1e-2);
    int p = model.numParameters();
    double[] c = new double[p];
    for (int i = 0; i < p; i++) {
      c[i] = 0.01 * Math.sin(i + 1.0);
    }
    INDArray cArr = Nd4j.createFromArray(c);
    TrainingResult r = Trainer.builder(TrainingRecipe.lbfgs(1e-8)).linearTerm(cArr).build()
        .train(model, s.train());
    assertThat(r.converged()).isTrue();
    INDArray g = model.gradient(r.parameters(), s.train()).add(cArr);
    assertThat(g.norm2Number().doubleValue()).isLessThanOrEqualTo(1e-8);
    // and the unperturbed optimum differs
    INDArray plain = Trainer.train(model, s.train(), TrainingRecipe.lbfgs(1e-8)).parameters();
    System.out.printf("linear term: |c| = %.3g, optimum moved by %.3g%n",
        cArr.norm2Number().doubleValue(), plain.distance2(r.parameters()));
    assertThat(plain.distance2(r.parameters())).isGreaterThan(1e-3);
  }

  @Test
  void aWarmStartAtTheOptimumStopsAtOnce() {
    Split s = SyntheticData.generate(200, 6, 3, 4, 20);
    Model model = LogisticRegression.of(6, 3).withL2(1e-2);
    INDArray opt = Trainer.train(model, s.train(), TrainingRecipe.lbfgs(1e-9)).parameters();
    TrainingResult again = Trainer.builder(TrainingRecipe.lbfgs(1e-8)).start(opt).build()
        .train(model, s.train());
    assertThat(again.iterations()).isZero();
    assertThat(again.parameters().toDoubleVector()).containsExactly(opt.toDoubleVector());
    assertThat(again.parameters()).isNotSameAs(opt);
  }

  @Test
  void float32TrainingReachesItsOwnTolerance() {
    Split digits = Digits.standardSplit();
    Model model = LogisticRegression.of(64, 10).withL2(1e-3).withDataType(DataType.FLOAT);
    TrainingResult r = Trainer.train(model, digits.train(), TrainingRecipe.lbfgs(1e-4));
    System.out.printf("digits logistic float32 L-BFGS: %d iterations, |g| %.3g, test acc %.4f%n",
        r.iterations(), r.gradientNorm(), accuracy(model, r.parameters(), digits.test()));
    assertThat(r.parameters().dataType()).isEqualTo(DataType.FLOAT);
    assertThat(r.gradientNorm()).isLessThanOrEqualTo(1e-4);
    assertThat(accuracy(model, r.parameters(), digits.test())).isGreaterThanOrEqualTo(0.96);
  }

  @Test
  void cubicStepIsTheMinimiserOfTheInterpolatingCubic() {
    // f(x) = x^3 - 3x: f(0) = 0, f'(0) = -3; f(2) = 2, f'(2) = 9; minimiser x = 1
    assertThat(Trainer.cubic(0, 0, -3, 2, 2, 9, 0, 2)).isCloseTo(1.0, Offset.offset(1e-12));
    // the same from the other side, and clamped to the bounds
    assertThat(Trainer.cubic(2, 2, 9, 0, 0, -3, 0, 2)).isCloseTo(1.0, Offset.offset(1e-12));
    assertThat(Trainer.cubic(0, 0, -3, 2, 2, 9, 1.5, 2)).isEqualTo(1.5);
  }

  @Test
  void divergenceFailsNamingTheLearningRate() {
    Split s = SyntheticData.generate(100, 6, 3, 4, 20);
    Model mlp = Mlp.of(Activation.RELU, 6, 8, 3);
    assertThatThrownBy(() -> Trainer.train(mlp, s.train(), TrainingRecipe.sgd(50, 10, 90, 0.99, 1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("learning rate");
  }

  @Test
  void badArgumentsFailFast() {
    Split s = SyntheticData.generate(100, 6, 3, 4, 20);
    Model wrong = LogisticRegression.of(5, 3);
    assertThatThrownBy(() -> Trainer.train(wrong, s.train(), TrainingRecipe.lbfgs(1e-6)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("(6)").hasMessageContaining("(5)");
    assertThatThrownBy(() -> TrainingRecipe.adam(3, 0, 1e-3, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("batchSize (0)");
    assertThatThrownBy(() -> TrainingRecipe.adam(3, 8, Double.NaN, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("learningRate (NaN)");
    Model ok = LogisticRegression.of(6, 3);
    assertThatThrownBy(() -> Trainer.builder(TrainingRecipe.lbfgs(1e-6)).start(Nd4j.zeros(3)).build()
        .train(ok, s.train())).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("length 3");
  }

  @Test
  void hugeFiniteFeaturesAreAnErrorNamingThemNotASilentStopAtZero() {
    Split s = SyntheticData.generate(100, 6, 3, 4, 20);
    double[][] x = s.train().features().toDoubleMatrix();
    x[7][2] = 1e300; // finite, accepted by Dataset.of; its square overflows
    Dataset huge = Dataset.of(Nd4j.createFromArray(x), s.train().labels(), 3);
    Model model = LogisticRegression.of(6, 3).withL2(1e-3);
    // L-BFGS from zeros (the retrain recipe): before, theta = 0 came back with converged = false
    assertThatThrownBy(() -> Trainer.train(model, huge, TrainingRecipe.lbfgs(1e-6)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("gradient norm (Infinity) at iteration 0")
        .hasMessageContaining("1.00e+300")
        .hasMessageContaining("standardise");
    // Adam from a random start saturates that row at once (its gradient is then exactly 0): the
    // result is a finite model, and its reported full-batch gradient norm is finite too
    TrainingResult adam = Trainer.train(model, huge, TrainingRecipe.adam(3, 16, 1e-3, 1));
    assertThat(adam.gradientNorm()).isFinite();
    assertThat(adam.loss()).isFinite();
  }
}

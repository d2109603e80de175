package dev.unlearn.testkit;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.data.SyntheticData;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.core.train.Trainer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A small trained problem for unlearner tests: seeded synthetic data, a model trained on it, and a
 * forget set. Cheap enough to build in every test class.
 *
 * @param train training data
 * @param test held-out data
 * @param model the model family
 * @param recipe the recipe that trained {@code theta}
 * @param theta the trained parameters
 * @param forget forget rows (sorted)
 */
public record Fixture(Dataset train, Dataset test, Model model, TrainingRecipe recipe,
    INDArray theta, int[] forget) {

  /** Softmax regression 8 -> 3 on 240 synthetic rows, L-BFGS to 1e-8; forgets 10 %. */
  public static Fixture logistic() {
    Split s = SyntheticData.generate(240, 8, 3, 11, 80);
    Model model = LogisticRegression.of(8, 3).withL2(1e-2);
    TrainingRecipe recipe = TrainingRecipe.lbfgs(1e-8);
    INDArray theta = Trainer.train(model, s.train(), recipe).parameters();
    return new Fixture(s.train(), s.test(), model, recipe, theta,
        ForgetSets.randomFraction(s.train(), 0.1, 5));
  }

  /** A tanh MLP 8-16-3 on the same data, Adam for 20 epochs; forgets 10 %. */
  public static Fixture mlp() {
    Split s = SyntheticData.generate(240, 8, 3, 11, 80);
    Model model = Mlp.of(Activation.TANH, 8, 16, 3).withL2(1e-3);
    TrainingRecipe recipe = TrainingRecipe.adam(20, 32, 1e-2, 3);
    INDArray theta = Trainer.train(model, s.train(), recipe).parameters();
    return new Fixture(s.train(), s.test(), model, recipe, theta,
        ForgetSets.randomFraction(s.train(), 0.1, 5));
  }
}

package example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.train.Trainer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runs the getting-started program as a user's project does, against the published artifacts. */
class GettingStartedTest {
  @Test
  void fineTuningMovesTheModelTowardTheRetrainedOne() {
    double distance = GettingStarted.run();
    // Oracle: the original model's own distance to the retrained one. Fine-tuning on the retain
    // set must not move further away than where it started.
    Dataset train = Digits.standardSplit().train();
    Model model = LogisticRegression.of(64, 10).withL2(1e-3);
    TrainingRecipe recipe = TrainingRecipe.lbfgs(1e-6);
    INDArray original = Trainer.train(model, train, recipe).parameters();
    int[] forget = ForgetSets.randomFraction(train, 0.10, 42);
    INDArray retrained = Trainer.train(model, train.without(forget), recipe).parameters();
    double start = original.distance2(retrained) / retrained.norm2Number().doubleValue();
    System.out.printf("fine-tuned %.4f, original %.4f%n", distance, start);
    assertTrue(distance > 0 && distance <= start, "distance " + distance + " vs start " + start);
  }
}

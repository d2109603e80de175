package example;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.core.train.Trainer;
import org.nd4j.linalg.api.ndarray.INDArray;

public class GettingStarted {
  public static void main(String[] args) {
    System.out.printf("relative distance to the retrained model: %.4f%n", run());
  }

  /** Trains, forgets 10 %, and returns the fine-tuned model's relative distance to retraining. */
  public static double run() {
    // The embedded UCI digits data: 1437 training and 360 test rows, z-scored.
    Split digits = Digits.standardSplit();
    Dataset train = digits.train();

    // A softmax regression with L2 coefficient 1e-3, trained by L-BFGS to |grad| <= 1e-6.
    Model model = LogisticRegression.of(64, 10).withL2(1e-3);
    TrainingRecipe recipe = TrainingRecipe.lbfgs(1e-6);
    INDArray theta = Trainer.train(model, train, recipe).parameters();

    // Forget a random 10 % of the training rows.
    int[] forget = ForgetSets.randomFraction(train, 0.10, 42);
    UnlearningRequest request = UnlearningRequest.builder(model, theta, train)
        .forgetRows(forget)
        .recipe(recipe)
        .seed(7)
        .build();

    // Every unlearner on the class path, this project's and any plugin's:
    for (Unlearner u : Unlearners.available()) {
      System.out.println(u.name() + ": " + u.description());
    }

    // Hyperparameters are per unlearner: fine-tune for 3 epochs (the others keep their defaults).
    Unlearner finetune = Unlearners.forName("finetune");
    UnlearningResult result = finetune.unlearn(request.toBuilder().hyperparameter("epochs", 3).build());
    INDArray unlearned = result.parameters();      // a new vector; theta is unchanged
    System.out.println("cost: " + result.cost());  // wall time, gradient-equivalents, ...

    // Compare with the oracle: retraining from scratch without the forgotten rows.
    INDArray retrained = Unlearners.forName("retrain").unlearn(request).parameters();
    double distance = unlearned.distance2(retrained) / retrained.norm2Number().doubleValue();
    return distance;
  }
}

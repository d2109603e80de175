package example;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.data.CsvLoader;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.data.Splits;
import dev.unlearn.core.data.Standardizer;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.core.train.Trainer;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Your own data: a CSV with a header and a label column, split and standardised, a model trained on
 * it, and 5 % of its training rows forgotten by one Newton step, compared with retraining.
 *
 * <pre>
 * java example.OwnData measurements.csv species
 * </pre>
 */
public class OwnData {
  /** What the example measured. */
  public record Outcome(int trainRows, int features, int classes, double newtonDistance,
      double originalDistance) {}

  public static void main(String[] args) {
    Outcome o = run(Path.of(args[0]), args[1]);
    System.out.printf("%d training rows, %d features, %d classes%n", o.trainRows(), o.features(),
        o.classes());
    System.out.printf("distance to the retrained model: original %.2e, after newton %.2e%n",
        o.originalDistance(), o.newtonDistance());
  }

  public static Outcome run(Path csv, String labelColumn) {
    // Every column but the label is a feature; gzip is recognised by name or magic bytes.
    Dataset all = CsvLoader.builder().header(true).labelColumn(labelColumn).build().load(csv);

    // Stratified 80/20 split; standardisation fitted on the training rows only.
    Split split = Splits.stratified(all, 0.2, 1);
    Standardizer z = Standardizer.fit(split.train());
    Dataset train = z.transform(split.train());

    Model model = LogisticRegression.of(train.numFeatures(), train.numClasses()).withL2(1e-2);
    TrainingRecipe recipe = TrainingRecipe.lbfgs(1e-8);
    INDArray theta = Trainer.train(model, train, recipe).parameters();

    int[] forget = ForgetSets.randomFraction(train, 0.05, 3);
    UnlearningRequest request = UnlearningRequest.builder(model, theta, train)
        .forgetRows(forget).recipe(recipe).seed(7).build();
    UnlearningResult newton = Unlearners.forName("newton").unlearn(request);
    INDArray retrained = Unlearners.forName("retrain").unlearn(request).parameters();

    double scale = retrained.norm2Number().doubleValue();
    return new Outcome(train.size(), train.numFeatures(), train.numClasses(),
        newton.parameters().distance2(retrained) / scale, theta.distance2(retrained) / scale);
  }
}

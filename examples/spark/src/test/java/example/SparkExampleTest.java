package example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.spark.DistributedData;
import dev.unlearn.spark.DistributedModel;
import java.util.Map;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A user's own data (two noisy clusters made here, not the library's) on a local[2] Spark
 * context: trained and unlearned with newton over Spark, against the same calls in memory.
 */
class SparkExampleTest {
  @Test
  void newtonOverSparkGivesTheInMemoryAnswer() {
    Random r = new Random(42);
    int n = 600;
    double[][] x = new double[n][3];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 2;
      for (int j = 0; j < 3; j++) {
        x[i][j] = r.nextGaussian() + (y[i] == 1 ? 1.5 : -1.5);
      }
    }
    Dataset mine = Dataset.of(Nd4j.createFromArray(x), y, 2);
    Model model = LogisticRegression.of(3, 2).withL2(1e-2);
    int[] forget = {1, 17, 300, 599};
    Map<String, Object> hp = Map.of("curvature", "hessian", "tolerance", 1e-12);
    JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
        .setAppName("example").set("spark.ui.enabled", "false"));
    try (DistributedData data = DistributedData.of(sc, mine, 3)) {
      DistributedModel dm = DistributedModel.of(model, data);
      INDArray theta = Trainer.train(dm, data.index(), TrainingRecipe.lbfgs(1e-10)).parameters();
      INDArray local = Trainer.train(model, mine, TrainingRecipe.lbfgs(1e-10)).parameters();
      double trainGap = theta.distance2(local) / local.norm2Number().doubleValue();
      UnlearningResult spark = Unlearners.forName("newton").unlearn(UnlearningRequest.builder(dm,
          theta, data.index()).forgetRows(forget).hyperparameters(hp).build());
      UnlearningResult memory = Unlearners.forName("newton").unlearn(UnlearningRequest.builder(
          model, theta, mine).forgetRows(forget).hyperparameters(hp).build());
      double gap = spark.parameters().distance2(memory.parameters())
          / memory.parameters().norm2Number().doubleValue();
      System.out.printf("spark example: training over Spark vs in memory %.2e, newton %.2e%n",
          trainGap, gap);
      assertTrue(trainGap < 1e-6, "training gap " + trainGap);
      assertTrue(gap < 1e-10, "newton gap " + gap);
    } finally {
      sc.stop();
    }
  }
}

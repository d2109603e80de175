package dev.unlearn.benchmarks.study;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.core.train.TrainingResult;
import dev.unlearn.spark.DistributedData;
import dev.unlearn.spark.DistributedModel;
import dev.unlearn.spark.SyntheticBlocks;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import dev.unlearn.metrics.score.Utility;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The scale check of {@code unlearn-spark}: n synthetic rows (softmax regression, d = 50, k = 10,
 * &lambda; = 1e-4) generated on the executors of a {@code local[2]} context, trained by L-BFGS over
 * Spark (to a gradient norm of 1e-5, at most 60 iterations), then 1 % of the rows unlearned with {@code newton} (exact Hessian, CG to 1e-8). Prints the
 * wall time of each phase, the number of Spark jobs (gradients and HVPs) and the test accuracy on
 * a held-out 20 000 rows. Needs Spark on the class path (see {@code SparkBenchmark}).
 *
 * <pre>
 * OMP_NUM_THREADS=1 java -Xmx12g -Dorg.bytedeco.javacpp.maxbytes=6g \
 *   -Dorg.bytedeco.javacpp.maxphysicalbytes=20g [the --add-opens flags of docs/spark.md] \
 *   -cp unlearn-benchmarks/target/benchmarks.jar:$(cat /tmp/spark.cp) \
 *   dev.unlearn.benchmarks.study.SparkScaleStudy 5000000 [blocks]
 * </pre>
 */
public final class SparkScaleStudy {
  private SparkScaleStudy() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
    int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
        .setAppName("SparkScaleStudy").set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"));
    try {
      sc.setLogLevel("WARN");
      long t0 = System.nanoTime();
      DistributedData data = SyntheticBlocks.distributed(sc, n, 50, 10, blocks, 1);
      System.out.printf(Locale.ROOT, "%d rows x 50 features generated on the executors in %d "
          + "blocks: %.1f s%n", n, blocks, (System.nanoTime() - t0) * 1e-9);
      Model model = LogisticRegression.of(50, 10).withL2(1e-4);
      DistributedModel dm = DistributedModel.of(model, data);
      long t1 = System.nanoTime();
      TrainingResult trained = Trainer.train(dm, data.index(), TrainingRecipe.lbfgs(1e-5)
          .withMaxIterations(60));
      double trainSeconds = (System.nanoTime() - t1) * 1e-9;
      INDArray theta = trained.parameters();
      Dataset test = SyntheticBlocks.inMemory(20_000, 50, 10, 1, 1, 2); // same teacher, fresh rows
      System.out.printf(Locale.ROOT, "L-BFGS over Spark: %.1f s, %s, test accuracy %.4f%n",
          trainSeconds, trained.cost(), accuracy(model, theta, test));
      int[] forget = new Random(3).ints(0, n).distinct().limit(n / 100).toArray();
      long t2 = System.nanoTime();
      UnlearningResult r = Unlearners.forName("newton").unlearn(UnlearningRequest.builder(dm,
          theta, data.index()).forgetRows(forget).hyperparameters(Map.of("curvature", "hessian",
              "solver", "cg", "tolerance", 1e-8)).build());
      double newtonSeconds = (System.nanoTime() - t2) * 1e-9;
      System.out.printf(Locale.ROOT, "newton over Spark, forgetting %d rows: %.1f s, %s, "
          + "diagnostics %s, test accuracy %.4f%n", forget.length, newtonSeconds, r.cost(),
          r.diagnostics(), accuracy(model, r.parameters(), test));
      data.close();
    } finally {
      sc.stop();
    }
  }

  static double accuracy(Model model, INDArray theta, Dataset data) {
    return Utility.accuracy(model.logits(theta, data.features(model.dataType())), data.labels());
  }

}

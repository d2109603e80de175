package dev.unlearn.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.metrics.harness.EvaluationHarness;
import dev.unlearn.metrics.harness.EvaluationReport;
import dev.unlearn.metrics.harness.MethodReport;
import dev.unlearn.metrics.harness.ModelCache;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The evaluation harness with its runs as Spark tasks in local[2] against the same harness on its
 * own threads (the oracle): the same report, every per-run value bit for bit.
 */
class SparkRunFarmTest {
  @Test
  void theScoreboardNumbersAreThoseOfTheLocalHarness() {
    Split digits = Digits.standardSplit();
    Dataset train = digits.train();
    int[] forget = ForgetSets.random(train, 144, 0);
    // a small MLP with Adam: the retrained models differ by seed, so each run is its own
    Model model = Mlp.of(Activation.TANH, 64, 16, 10).withL2(1e-3);
    TrainingRecipe recipe = TrainingRecipe.adam(3, 64, 1e-2, 0);
    EvaluationHarness.Builder b = EvaluationHarness.builder(model, train, digits.test())
        .forgetRows(forget).recipe(recipe).models(4).seed(9).threads(2).progress(null)
        .unlearners("retrain", "finetune", "newton", "fisher-removal");
    EvaluationReport local = b.cache(ModelCache.inMemory()).build().run();
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    EvaluationReport spark = b.cache(ModelCache.inMemory()).farm(new SparkRunFarm(
        SparkTests.context(), new PrintStream(lines, true, StandardCharsets.UTF_8))).build().run();
    String progress = lines.toString(StandardCharsets.UTF_8);
    // the long phases say how far they are: 4 retrainings, then each method's 4 runs
    assertThat(progress).contains("[spark] retraining 4/4 tasks");
    assertThat(progress.split("\\[spark\\] unlearning 4/4 tasks", -1)).hasSize(1 + 4);
    assertThat(spark.setup().distinctRetrainedModels()).isEqualTo(4);
    assertThat(spark.reference()).isEqualTo(local.reference());
    assertThat(spark.original()).isEqualTo(local.original());
    assertThat(spark.methods()).hasSize(4);
    for (int m = 0; m < 4; m++) {
      MethodReport a = local.methods().get(m);
      MethodReport s = spark.methods().get(m);
      assertThat(a.ok()).as(a.name() + ": " + a.message()).isTrue();
      assertThat(s.name()).isEqualTo(a.name());
      assertThat(s.scores()).as(a.name()).isEqualTo(a.scores());
      assertThat(s.forgetting()).as(a.name()).isEqualTo(a.forgetting());
      System.out.printf("%s over Spark: F %.4f, test accuracy %.4f (identical to the local "
          + "harness)%n", s.name(), s.scores().forgettingQuality(), s.scores().testAccuracy());
    }
  }
}

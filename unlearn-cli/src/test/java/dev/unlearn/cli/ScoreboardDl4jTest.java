package dev.unlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.cli.ScoreboardTest.Outcome;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model dl4j-cnn}: the Deeplearning4j CNN on the digits through the harness (N = 2, three
 * methods): retrain and finetune run, certified-removal is listed as not supported with the
 * missing capability, and the report has the same shape as the other models'.
 */
class ScoreboardDl4jTest {
  @Test
  void theDl4jCnnRunsThroughTheHarness(@TempDir Path dir) throws Exception {
    Outcome o = ScoreboardTest.run("scoreboard", "--model", "dl4j-cnn", "--models", "2", "--methods",
        "retrain,finetune,certified-removal", "--out", dir.toString());
    assertThat(o.status()).as(o.err()).isZero();
    List<String> rows = o.out().lines().filter(l -> l.startsWith("| ")).toList();
    assertThat(o.out()).contains("## DL4J CNN conv3x3x8-maxpool2-dense32-softmax on 8x8");
    assertThat(rows).anyMatch(l -> l.startsWith("| retrain | "))
        .anyMatch(l -> l.startsWith("| finetune | "))
        .anyMatch(l -> l.startsWith("| certified-removal | not supported: certified-removal needs "
            + "[EXACT_HESSIAN]"));
    // retrain against the retrained models: its test accuracy ratio is near 1 (a trained CNN, not
    // a constant classifier), and the retrained models learned the digits.
    String retrain = rows.stream().filter(l -> l.startsWith("| retrain | ")).findFirst()
        .orElseThrow();
    String[] cells = retrain.split("\\|");
    assertThat(Double.parseDouble(cells[4].trim())).isBetween(0.9, 1.1);
    assertThat(Double.parseDouble(cells[13].trim())).isGreaterThan(0.9); // test accuracy
    ScoreboardTest.checkReportShape(dir.resolve("dl4j-cnn/report.json"));
  }

  @Test
  void theCnnNeedsEightByEightImages(@TempDir Path dir) throws Exception {
    StringBuilder csv = new StringBuilder("a,b,c,y\n");
    for (int i = 0; i < 40; i++) {
      csv.append(i % 7).append(',').append(i % 5).append(',').append(i % 3).append(',')
          .append(i % 2).append('\n');
    }
    Path file = dir.resolve("three-features.csv");
    java.nio.file.Files.writeString(file, csv.toString());
    Outcome o = ScoreboardTest.run("scoreboard", "--model", "dl4j-cnn", "--data", file.toString(), "--label",
        "y", "--out", dir.toString());
    assertThat(o.status()).isNotZero();
    assertThat(o.err()).contains("--model dl4j-cnn needs 64 features (8 x 8 images, as the "
        + "digits); the data have 3");
  }
}

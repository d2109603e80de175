package dev.unlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scoreboard --spark local[2]} against the same scoreboard on this JVM's thread (the
 * oracle): the scores file is the same but for the timing columns, and so is the per-example
 * epsilons file.
 */
class ScoreboardSparkTest {
  /** The scores CSV without the columns that time the runs. */
  static List<String> withoutTimings(Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    List<String> header = List.of(lines.get(0).split(",", -1));
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      String[] cells = line.split(",", -1);
      StringBuilder b = new StringBuilder();
      for (int c = 0; c < cells.length; c++) {
        String name = header.get(c);
        if (!name.contains("seconds") && !name.contains("time") && !name.contains("under")) {
          b.append(cells[c]).append(',');
        }
      }
      out.add(b.toString());
    }
    return out;
  }

  @Test
  void sparkGivesTheScoresOfTheLocalRun(@TempDir Path dir) throws Exception {
    String[] common = {"scoreboard", "--model", "mlp", "--models", "3", "--methods",
        "retrain,finetune,newton", "--seed", "2", "--cache", "none"}; // no cache: each run trains its own retrained models
    Path local = dir.resolve("local");
    Path spark = dir.resolve("spark");
    List<String> a = new ArrayList<>(List.of(common));
    a.addAll(List.of("--out", local.toString()));
    ScoreboardTest.Outcome l = ScoreboardTest.run(a.toArray(String[]::new));
    assertThat(l.status()).as(l.err()).isZero();
    List<String> b = new ArrayList<>(List.of(common));
    b.addAll(List.of("--out", spark.toString(), "--spark", "local[2]"));
    ScoreboardTest.Outcome s = ScoreboardTest.run(b.toArray(String[]::new));
    assertThat(s.status()).as(s.err()).isZero();
    assertThat(s.err()).contains("training 3 retrained model(s) on Spark local[2]")
        .contains("on Spark local[2]");
    List<String> localScores = withoutTimings(local.resolve("mlp/scores.csv"));
    assertThat(localScores).hasSizeGreaterThan(4);
    assertThat(withoutTimings(spark.resolve("mlp/scores.csv"))).isEqualTo(localScores);
    assertThat(Files.readString(spark.resolve("mlp/epsilons.csv")))
        .isEqualTo(Files.readString(local.resolve("mlp/epsilons.csv")));
    System.out.println("scoreboard --spark local[2]: scores and epsilons equal to the local run's");
  }
}

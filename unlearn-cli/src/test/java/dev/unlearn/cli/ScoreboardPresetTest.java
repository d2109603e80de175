package dev.unlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --preset competition}: N = 512 and 2 threads unless given, the time per phase printed and
 * in the manifest (checked against the report's own timings: the phases add up to the total).
 */
class ScoreboardPresetTest {
  @Test
  void theCompetitionPresetRunsN512OnTwoThreadsAndReportsItsPhases(@TempDir Path dir)
      throws Exception {
    ScoreboardTest.Outcome o = ScoreboardTest.run("scoreboard", "--preset", "competition",
        "--model", "logistic", "--methods", "retrain,gradient-ascent", "--out", dir.toString(),
        "--cache", "none");
    assertThat(o.status()).as(o.err()).isZero();
    assertThat(o.out()).contains("N = 512 unlearning runs per method").contains("Time per phase");
    JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
    assertThat(manifest.get("threads").asInt()).isEqualTo(2);
    JsonNode phases = manifest.get("phases").get("logistic");
    assertThat(phases.get("retraining").asDouble()).isPositive();
    assertThat(phases.get("unlearning and evaluation").asDouble()).isPositive();
    assertThat(phases.get("total").asDouble()).isGreaterThanOrEqualTo(
        phases.get("unlearning and evaluation").asDouble());
    assertThat(phases.get("runs of retrain").asDouble()).isPositive();
    assertThat(phases.get("runs of gradient-ascent").asDouble()).isPositive();
    JsonNode report = new ObjectMapper().readTree(dir.resolve("logistic/report.json").toFile());
    assertThat(report.toString()).contains("\"numModels\":512");
    // flags given beside the preset still apply
    Path small = dir.resolve("small");
    ScoreboardTest.Outcome given = ScoreboardTest.run("scoreboard", "--preset", "competition",
        "--model", "logistic", "--methods", "retrain", "--models", "3", "--threads", "1",
        "--out", small.toString(), "--cache", "none");
    assertThat(given.status()).as(given.err()).isZero();
    assertThat(given.out()).contains("N = 3 unlearning runs per method");
    assertThat(new ObjectMapper().readTree(small.resolve("manifest.json").toFile()).get("threads")
        .asInt()).isEqualTo(1);
    ScoreboardTest.Outcome bad = ScoreboardTest.run("scoreboard", "--preset", "faithful",
        "--out", dir.toString());
    assertThat(bad.status()).isNotZero();
    assertThat(bad.err()).contains("--preset (faithful) must be competition");
  }
}

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
    double parts = phases.get("original").asDouble() + phases.get("retraining").asDouble()
        + phases.get("unlearning and evaluation").asDouble() + phases.get("scoring").asDouble();
    assertThat(parts).isCloseTo(phases.get("total").asDouble(),
        org.assertj.core.data.Offset.offset(1e-9));
    assertThat(phases.get("runs of retrain").asDouble()).isPositive();
    assertThat(phases.get("runs of gradient-ascent").asDouble()).isPositive();
    JsonNode report = new ObjectMapper().readTree(dir.resolve("logistic/report.json").toFile());
    assertThat(report.toString()).contains("\"numModels\":512");
    ScoreboardTest.Outcome bad = ScoreboardTest.run("scoreboard", "--preset", "faithful",
        "--out", dir.toString());
    assertThat(bad.status()).isNotZero();
    assertThat(bad.err()).contains("--preset (faithful) must be competition");
  }
}

package dev.unlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scoreboard command end to end with tiny settings (logistic, N = 2, two methods). */
class ScoreboardTest {

  record Outcome(int status, String out, String err) {}

  static Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = UnlearnCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void tinyRunPrintsTheTableAndWritesEveryFile(@TempDir Path dir) throws Exception {
    String[] args = {"scoreboard", "--model", "logistic", "--models", "2", "--methods", "retrain,finetune",
        "--out", dir.toString(), "--seed", "1"};
    System.out.println("scoreboard seed 1");
    Outcome first = run(args);
    assertThat(first.status()).as(first.err()).isZero();
    List<String> rows = first.out().lines().filter(l -> l.startsWith("| ")).toList();
    assertThat(rows.get(0).split("\\|")).hasSize(ScoreboardTable.HEADER.size() + 1);
    for (String row : rows) {
      assertThat(row.split("\\|", -1)).as(row).hasSize(ScoreboardTable.HEADER.size() + 2);
    }
    String retrain = rows.stream().filter(l -> l.startsWith("| retrain |")).findFirst().orElseThrow();
    List<String> cells = Arrays.stream(retrain.split("\\|")).map(String::trim).toList();
    // L-BFGS from zeros is deterministic: the retrain method reproduces the retrained model, so the
    // accuracy ratios are exactly 1; at N = 2, E = ceil(ln 1) = 0, so every method scores F = 0.
    assertThat(cells.subList(2, 6)).containsExactly("0.000", "1.000", "1.000", "0.000");
    assertThat(first.out()).contains("at N = 2 every F is 0");
    assertThat(rows).anyMatch(l -> l.startsWith("| finetune |"));
    assertThat(first.out()).contains("retrained model(s) trained in");
    for (String f : List.of("report.json", "scores.csv", "epsilons.csv", "epsilon-histograms.svg",
        "score-vs-time.svg", "forgetting-vs-utility.svg")) {
      assertThat(dir.resolve("logistic").resolve(f)).isNotEmptyFile();
    }
    assertThat(dir.resolve("scoreboard.md")).isNotEmptyFile();
    checkReportShape(dir.resolve("logistic/report.json"));
    String html = Files.readString(dir.resolve("index.html"));
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<h2>softmax regression 64-&gt;10")
        .contains("<td>retrain</td>").contains("<td>finetune</td>").doesNotContain("<script")
        .doesNotContain("src=\"http").doesNotContain("| retrain |");
    assertThat(html.split("<table>", -1)).hasSize(2); // one table: one model
    assertThat(html.split("<svg", -1)).hasSize(1 + 3); // its three charts, inline
    JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
    assertThat(manifest.get("schema").asText()).isEqualTo("unlearn-run-manifest/1");
    assertThat(manifest.get("command").asText()).isEqualTo("scoreboard");
    assertThat(manifest.get("arguments").get(2).asText()).isEqualTo("logistic");
    assertThat(manifest.get("seed").asLong()).isEqualTo(1);
    assertThat(manifest.get("cores").asInt()).isPositive();
    assertThat(Instant.parse(manifest.get("endedAt").asText()))
        .isAfterOrEqualTo(Instant.parse(manifest.get("startedAt").asText()));
    var factory = DocumentBuilderFactory.newInstance();
    factory.newDocumentBuilder().parse(dir.resolve("logistic/epsilon-histograms.svg").toFile());
    factory.newDocumentBuilder().parse(dir.resolve("logistic/score-vs-time.svg").toFile());
    List<String> csv = Files.readAllLines(dir.resolve("logistic/scores.csv"));
    assertThat(csv).hasSize(1 + 2 + 2);

    Outcome second = run(args);
    assertThat(second.status()).isZero();
    assertThat(second.out()).contains("original loaded from the cache")
        .contains("1 retrained model(s) loaded and 0 trained");
  }

  @Test
  void helpAndBadFlags() {
    Outcome help = run("scoreboard", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("--models=N").contains("--cache=DIR").contains("--methods=LIST");
    Outcome top = run("--help");
    assertThat(top.status()).isZero();
    assertThat(top.out()).contains("scoreboard").contains("canary").contains("score");
    Outcome bad = run("scoreboard", "--models", "1");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("--models (1) must be an integer >= 2");
    Outcome notANumber = run("scoreboard", "--models", "logistic");
    assertThat(notANumber.status()).isEqualTo(2);
    assertThat(notANumber.err()).contains("--models").contains("'logistic' is not an int");
    Outcome unknown = run("scoreboard", "--methods", "no-such-method", "--model", "logistic",
        "--models", "2");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("no-such-method").contains("retrain");
    // a flag of another command is rejected, not ignored
    Outcome foreign = run("scoreboard", "--rounds", "3");
    assertThat(foreign.status()).isEqualTo(2);
    assertThat(foreign.err()).contains("Unknown options: '--rounds'");
    Outcome none = run();
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.err()).contains("A command is required");
  }

  /** report.json has the shape docs/metrics.md documents, with typed hyperparameters. */
  static void checkReportShape(Path file) throws Exception {
    JsonNode r = new ObjectMapper().readTree(file.toFile());
    assertThat(r.get("schema").asText()).isEqualTo("unlearn-scoreboard-report/1");
    assertThat(iterable(r.fieldNames())).containsExactly("schema", "data", "model", "setup",
        "original", "reference", "retrainSeconds", "retrainCpuSeconds",
        "retrainGradientEquivalents", "methods", "summary", "flags", "timings", "forgetRows");
    for (String group : List.of("original", "reference")) {
      assertThat(iterable(r.get(group).fieldNames())).containsExactly("models", "retainAccuracy",
          "forgetAccuracy", "testAccuracy", "retainLoss", "forgetLoss", "testLoss", "miaAuc",
          "attackForgetMembership", "gradientResidual", "klForget", "klTest", "extra");
    }
    assertThat(r.get("reference").get("klTest").asDouble()).isZero();
    assertThat(r.get("original").get("klTest").asDouble()).isPositive();
    assertThat(r.get("flags").get("retrain").isArray()).isTrue();
    assertThat(r.get("summary").get("paretoFront").isArray()).isTrue();
    assertThat(r.get("setup").get("numModels").isInt()).isTrue();
    assertThat(r.get("forgetRows").isArray()).isTrue();
    assertThat(r.get("forgetRows").size()).isEqualTo(r.get("setup").get("forgetRows").asInt());
    for (JsonNode m : r.get("methods")) {
      assertThat(iterable(m.fieldNames())).containsExactly("name", "hyperparameters", "status",
          "message", "forgetting", "scores", "cost", "spread");
      if (m.get("status").asText().equals("OK")) {
        JsonNode ta = m.get("spread").get("testAccuracy");
        assertThat(iterable(ta.fieldNames())).containsExactly("n", "mean", "sd", "low", "high");
        assertThat(ta.get("mean").asDouble()).isEqualTo(m.get("scores").get("testAccuracy")
            .asDouble(), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ta.get("low").asDouble()).isLessThanOrEqualTo(ta.get("high").asDouble());
        assertThat(m.get("scores").get("forgettingQuality").isNumber()).isTrue();
        assertThat(m.get("forgetting").get("epsilons").size())
            .isEqualTo(r.get("forgetRows").size());
        assertThat(m.get("cost").get("underTimeLimit").isBoolean()).isTrue();
      }
      if (m.get("name").asText().equals("finetune")) { // typed, as finetune declares them
        JsonNode h = m.get("hyperparameters");
        assertThat(h.get("epochs").isInt()).as("%s", h).isTrue();
        assertThat(h.get("learning-rate").isDouble()).as("%s", h).isTrue();
        assertThat(h.get("optimizer").isTextual()).as("%s", h).isTrue();
      }
    }
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}

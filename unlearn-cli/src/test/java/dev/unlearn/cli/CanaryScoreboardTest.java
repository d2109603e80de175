package dev.unlearn.cli;

import org.nd4j.linalg.api.ndarray.INDArray;
import dev.unlearn.metrics.score.Exposure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.cli.ScoreboardTest.Outcome;
import dev.unlearn.lm.CanaryScoring;
import dev.unlearn.lm.CanaryFormat;
import dev.unlearn.lm.CharNgramModel;
import dev.unlearn.lm.CharVocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code canary} end to end with tiny settings (20 entries, h = 8, one epoch, 200 exposure
 * candidates, three methods, two sequential rounds) into a temporary folder, then once more from
 * the model cache.
 */
class CanaryScoreboardTest {

  @Test
  void tinyCanaryRunPrintsBothTablesAndWritesEveryFile(@TempDir Path dir) throws Exception {
    String[] args = {"canary", "--entries", "20", "--test-entries", "5", "--hidden", "8",
        "--embedding", "4", "--epochs", "1", "--samples", "200", "--rounds", "2", "--methods",
        "retrain,gradient-ascent,fisher-removal", "--sequential-methods",
        "fisher-removal,gradient-ascent", "--out", dir.toString(), "--seed", "3"};
    System.out.println("canary scoreboard seed 3");
    Outcome first = ScoreboardTest.run(args);
    assertThat(first.status()).as(first.err()).isZero();
    assertThat(first.err()).contains("[canary] part 1").contains("[canary] round 2");
    List<String> rows = first.out().lines().filter(l -> l.startsWith("| ")).toList();
    // Part 1: header, separator, original, reference, three methods; part 2: header, separator,
    // the reference and two methods.
    assertThat(rows).hasSize(7 + 5);
    int columns = rows.get(0).split("\\|", -1).length;
    for (String r : rows.subList(0, 7)) {
      assertThat(r.split("\\|", -1)).as(r).hasSize(columns);
    }
    assertThat(rows.get(0)).contains("exposure 1×").contains("exposure 4×")
        .contains("exposure 16×").contains("ppl ratio").contains("KL test").contains("time ratio");
    String reference = cell(rows, "(retrained reference)");
    // The reference against itself: excess 0, perplexity ratio 1, KL 0, time ratio 1.
    List<String> refCells = cells(reference);
    assertThat(refCells.get(4)).isEqualTo("0.00");
    assertThat(refCells.get(6)).isEqualTo("1.000");
    assertThat(Double.parseDouble(refCells.get(7))).isZero();
    assertThat(refCells.get(9)).isEqualTo("1.000");
    assertThat(rows).anyMatch(l -> l.startsWith("| gradient-ascent |"))
        .anyMatch(l -> l.startsWith("| fisher-removal |"))
        .anyMatch(l -> l.startsWith("| retrain (reference) |"));
    assertThat(first.out()).contains("### Sequential deletion: 2 rounds")
        .contains("Grids (validation perplexity");
    Path out = dir.resolve("canary");
    for (String f : List.of("canary-report.json", "canary-scores.csv", "canary-rounds.csv",
        "canary.md")) {
      assertThat(out.resolve(f)).isNotEmptyFile();
    }
    List<String> csv = Files.readAllLines(out.resolve("canary-scores.csv"));
    assertThat(csv.get(0)).isEqualTo(String.join(",", CanaryReport.CSV_COLUMNS));
    assertThat(csv).hasSize(1 + 2 + 3);
    List<String> rounds = Files.readAllLines(out.resolve("canary-rounds.csv"));
    assertThat(rounds).hasSize(1 + 2 * 3);
    var json = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(out.resolve("canary-report.json").toFile());
    assertThat(json.get("task").asText()).isEqualTo("canary");
    assertThat(json.get("rounds").size()).isEqualTo(2 * 3);
    assertThat(json.get("chosen_settings").isObject()).isTrue();
    assertThat(json.get("methods").get(0).get("exposure_bits").get(0).isNumber()).isTrue();

    // The cache: the second run trains nothing and reproduces every exposure and perplexity.
    Outcome second = ScoreboardTest.run(args);
    assertThat(second.status()).isZero();
    assertThat(second.err()).contains("original: loaded from the cache")
        .contains("retrained reference: loaded from the cache").doesNotContain("reference (trained)");
    assertThat(Files.readAllLines(out.resolve("canary-scores.csv")).stream()
        .map(CanaryScoreboardTest::withoutTimes).toList())
        .isEqualTo(csv.stream().map(CanaryScoreboardTest::withoutTimes).toList());
  }

  @Test
  void reportedExposureIsTheSampledEstimateOfTheCachedModel(@TempDir Path dir) throws Exception {
    // Independent recomputation: load nothing from the report but the canary text; score the
    // original model written in the cache with CanaryExposure directly, same M and seed rule.
    String[] args = {"canary", "--entries", "12", "--test-entries", "3", "--hidden", "6",
        "--embedding", "3", "--epochs", "1", "--samples", "100", "--rounds", "0", "--methods",
        "retrain", "--out", dir.toString(), "--seed", "5"};
    System.out.println("canary scoreboard seed 5");
    Outcome o = ScoreboardTest.run(args);
    assertThat(o.status()).as(o.err()).isZero();
    String original = cell(o.out().lines().filter(l -> l.startsWith("| ")).toList(), "(original)");
    List<String> c = cells(original);
    // Exactly one cached "original" entry; find it by its description.
    Path cache = dir.resolve("cache");
    Path desc;
    try (var files = Files.list(cache)) {
      desc = files.filter(p -> p.toString().endsWith(".txt")).filter(p -> {
        try {
          return Files.readString(p).contains("kind=original");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).findFirst().orElseThrow();
    }
    String key = desc.getFileName().toString().replace(".txt", "");
    CharNgramModel model = CharNgramModel.of(CharVocabulary.standard().size(), 5, 3, 6)
        .withL2(1e-6);
    double[] theta = dev.unlearn.metrics.harness.ModelCache.in(cache).load(key, model)
        .orElseThrow().parameters();
    String json = Files.readString(dir.resolve("canary/canary-report.json"));
    for (int i = 0; i < 3; i++) {
      int[] secret = secretOf(json, i);
      Exposure.Estimate e = sampledExposure(model, Nd4j.createFromArray(theta),
          CharVocabulary.standard(), CanaryFormat.standard(), secret, 100, 5L * 31 + 7 + i);
      assertThat(c.get(1 + i)).isEqualTo(CanaryReport.exposure(e.exposure(), e.saturated()));
    }
  }

  @Test
  void badCanaryFlagsFailWithTheirValue() {
    Outcome bad = ScoreboardTest.run("canary", "--rounds", "-1");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("--rounds (-1) must be an integer in [0, 50]");
    Outcome task = ScoreboardTest.run("speech");
    assertThat(task.status()).isEqualTo(2);
    assertThat(task.err()).contains("Unmatched argument at index 0: 'speech'");
    Outcome foreign = ScoreboardTest.run("canary", "--model", "mlp");
    assertThat(foreign.status()).isEqualTo(2);
    assertThat(foreign.err()).contains("Unknown options: '--model'");
    Outcome unknown = ScoreboardTest.run("canary", "--methods", "no-such", "--entries",
        "3");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("no-such");
    assertThat(ScoreboardTest.run("canary", "--help").out()).contains("--rounds=R")
        .contains("--sequential-methods=LIST");
  }

  @Test
  void selectionKeepsValidationPerplexityThenMatchesTheForgetLoss() {
    CanaryGrids.Target t = new CanaryGrids.Target(10.0, 5.0);
    var a = new CanaryGrids.Trial(Map.of("a", 1), 10.4, 4.0, null); // within 5 %, gap 1.0
    var b = new CanaryGrids.Trial(Map.of("b", 1), 10.6, 5.0, null); // 6 % over: excluded
    var c = new CanaryGrids.Trial(Map.of("c", 1), 9.0, 6.5, null); // within, gap 1.5
    var d = new CanaryGrids.Trial(Map.of("d", 1), Double.NaN, Double.NaN, "failed");
    assertThat(CanaryGrids.select(List.of(a, b, c, d), t).trial()).isSameAs(a);
    assertThat(CanaryGrids.select(List.of(b, d), t).trial()).isSameAs(b);
    assertThat(CanaryGrids.select(List.of(d), t).reason()).contains("every grid point failed");
  }

  private static int[] secretOf(String json, int index) {
    int at = -1;
    for (int i = 0; i <= index; i++) {
      at = json.indexOf("my pin code is ", at + 1);
    }
    String digits = json.substring(at + "my pin code is ".length(), at + "my pin code is ".length()
        + 11).replace(" ", "");
    return digits.chars().map(ch -> ch - '0').toArray();
  }

  private static String withoutTimes(String csvLine) {
    String[] f = csvLine.split(",", -1);
    // Drops cpu_seconds, wall_seconds and time_ratio (the 4th to 2nd fields from the end).
    int n = f.length;
    return String.join(",", Arrays.copyOfRange(f, 0, n - 4)) + "," + f[n - 1];
  }

  private static String cell(List<String> rows, String name) {
    return rows.stream().filter(l -> l.startsWith("| " + name + " |")).findFirst().orElseThrow();
  }

  private static List<String> cells(String row) {
    String[] parts = row.split("\\|", -1);
    return Arrays.stream(parts, 1, parts.length - 1).map(String::trim).toList();
  }

  private static Exposure.Estimate sampledExposure(CharNgramModel model, INDArray theta,
      CharVocabulary vocab, CanaryFormat format, int[] secret, int samples, long seed) {
    CanaryScoring.Scored s = CanaryScoring.sample(model, theta, vocab, format, secret, samples, seed);
    return Exposure.estimate(s.canary(), s.candidates(), s.spaceSize());
  }
}

package dev.unlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.cli.ScoreboardTest.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code unlearn score} on confidence files with closed-form answers (the competition's rules): N =
 * 4 models per side gives E = ceil(ln 3) = 2; identical samples give epsilon 0 and one point, two
 * different constants are perfectly separable (epsilon 50, no point).
 */
class ScoreTest {

  @Test
  void identicalSamplesScoreOneAndSeparableOnesZero(@TempDir Path dir) throws Exception {
    Path retrained = dir.resolve("retrained.csv");
    Path same = dir.resolve("same.csv");
    Path apart = dir.resolve("apart.csv");
    Files.writeString(retrained, "ex0,ex1\n0.9,0.2\n0.8,0.3\n0.7,0.25\n0.85,0.1\n");
    Files.writeString(same, "# the same rows in another order\n0.8,0.3\n0.9,0.2\n0.85,0.1\n0.7,0.25\n");
    Files.writeString(apart, "0.5,0.5\n0.5,0.5\n0.5,0.5\n0.5,0.5\n");
    Outcome one = ScoreboardTest.run("score", "--unlearned", same.toString(), "--retrained",
        retrained.toString());
    assertThat(one.status()).as(one.err()).isZero();
    assertThat(one.out()).startsWith("F = 1.000000  (N = 4 models per side, 2 forget examples, "
        + "E = 2)").contains("0,0.000000,1.000000").contains("1,0.000000,1.000000");
    Outcome zero = ScoreboardTest.run("score", "--unlearned", apart.toString(), "--retrained",
        retrained.toString());
    assertThat(zero.status()).as(zero.err()).isZero();
    assertThat(zero.out()).startsWith("F = 0.000000").contains("0,50.000000,0.000000");
  }

  @Test
  void missingOrMalformedFilesFailNamingThem(@TempDir Path dir) throws Exception {
    Outcome missing = ScoreboardTest.run("score", "--unlearned", "nope.csv");
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("Missing required option: '--retrained=FILE'");
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "0.1,0.2\n0.3,nan\n");
    Outcome nan = ScoreboardTest.run("score", "--unlearned", bad.toString(), "--retrained",
        bad.toString());
    assertThat(nan.status()).isEqualTo(2);
    assertThat(nan.err()).startsWith("unlearn score: ").contains("line 2");
  }
}

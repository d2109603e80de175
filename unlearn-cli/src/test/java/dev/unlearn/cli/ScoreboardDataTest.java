package dev.unlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.cli.ScoreboardTest.Outcome;
import dev.unlearn.core.data.Digits;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scoreboard --data}: the digits exported the way a spreadsheet writes them (a header with
 * quoted names, every field quoted, CRLF, a byte-order mark, gzip) give the same table as the
 * embedded digits; a group column forgets whole groups; a malformed file fails naming the file,
 * the line and the column.
 */
class ScoreboardDataTest {
  private static final String[] TINY = {"--model", "logistic", "--models", "2", "--methods",
      "retrain,finetune", "--seed", "0"};

  /** The embedded digits as CSV: "pixel 0".."pixel 63", "digit", "writer" (row % 40). */
  static Path exportDigits(Path file, boolean gzip) throws IOException {
    Dataset d = Digits.load();
    double[][] x = d.features().toDoubleMatrix();
    StringBuilder b = new StringBuilder("\uFEFF");
    for (int j = 0; j < x[0].length; j++) {
      b.append("\"pixel ").append(j).append("\",");
    }
    b.append("\"digit\",\"writer\"\r\n");
    for (int i = 0; i < x.length; i++) {
      for (double v : x[i]) {
        b.append('"').append(String.format(Locale.ROOT, "%.1f", v)).append("\",");
      }
      b.append('"').append(d.label(i)).append("\",\"").append(i % 40).append("\"\r\n");
    }
    byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file))
        : Files.newOutputStream(file)) {
      out.write(bytes);
    }
    return file;
  }

  private static String[] with(String[] base, String... more) {
    String[] out = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, out, base.length, more.length);
    return out;
  }

  private static List<String> rows(Outcome o) {
    return o.out().lines().filter(l -> l.startsWith("| ")).toList();
  }

  @Test
  void exportedDigitsGiveTheSameTableAsTheEmbeddedOnes(@TempDir Path dir) throws Exception {
    Path csv = exportDigits(dir.resolve("digits-export.csv.gz"), true);
    String[] base = with(new String[] {"scoreboard"}, TINY);
    Outcome embedded = ScoreboardTest.run(with(base, "--out", dir.resolve("a").toString(),
        "--cache", "none"));
    Outcome own = ScoreboardTest.run(with(base, "--out", dir.resolve("b").toString(),
        "--cache", "none", "--data", csv.toString(), "--label", "digit", "--group", "writer"));
    assertThat(embedded.status()).as(embedded.err()).isZero();
    assertThat(own.status()).as(own.err()).isZero();
    assertThat(own.err()).contains("data digits-export.csv.gz: 1437 train / 360 test rows, 64 "
        + "features, 10 classes; forgetting 144 rows");
    // the same split (stratified, seed 0), scaling and forget set: the score columns agree; only
    // the timings differ
    List<String> a = rows(embedded);
    List<String> b = rows(own);
    assertThat(b).hasSameSizeAs(a);
    for (int i = 0; i < a.size(); i++) {
      List<String> ca = Arrays.asList(a.get(i).split("\\|"));
      List<String> cb = Arrays.asList(b.get(i).split("\\|"));
      assertThat(cb.subList(0, 8)).as("row %d", i).isEqualTo(ca.subList(0, 8));
    }
  }

  @Test
  void aGroupColumnForgetsWholeGroups(@TempDir Path dir) throws Exception {
    Path csv = exportDigits(dir.resolve("digits.csv"), false);
    Outcome o = ScoreboardTest.run(with(with(new String[] {"scoreboard"}, TINY), "--out",
        dir.toString(), "--data", csv.toString(), "--label", "digit", "--group", "writer",
        "--forget-groups", "3,17"));
    assertThat(o.status()).as(o.err()).isZero();
    // writers 3 and 17 wrote rows i with i % 40 in {3, 17}: 90 of the 1797; the stratified split
    // keeps about 80 % of them in training
    String line = o.err().lines().filter(l -> l.contains("forgetting")).findFirst().orElseThrow();
    int forgotten = Integer.parseInt(line.replaceAll(".*forgetting (\\d+) rows.*", "$1"));
    assertThat(forgotten).isBetween(60, 85);
    assertThat(rows(o)).anyMatch(l -> l.startsWith("| retrain |"));
  }

  @Test
  void malformedOrMisusedDataFailsNamingFileLineAndColumn(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "a,b,y\r\n1,2,0\r\n3,4,1\r\n5,\"x\",0\r\n");
    Outcome o = ScoreboardTest.run("scoreboard", "--data", bad.toString(), "--label", "y");
    assertThat(o.status()).isEqualTo(2);
    assertThat(o.err()).contains("feature (x) at " + bad + " line 4, column 2 (\"b\") must be a "
        + "decimal number");
    Outcome missing = ScoreboardTest.run("scoreboard", "--data", dir.resolve("none.csv").toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("none.csv");
    Outcome noData = ScoreboardTest.run("scoreboard", "--label", "y");
    assertThat(noData.status()).isEqualTo(2);
    assertThat(noData.err()).contains("apply to --data only");
    Outcome groupsWithoutColumn = ScoreboardTest.run("scoreboard", "--data", bad.toString(),
        "--label", "y", "--forget-groups", "1");
    assertThat(groupsWithoutColumn.status()).isEqualTo(2);
    assertThat(groupsWithoutColumn.err()).contains("--forget-groups needs a --group column");
  }

  @Test
  void givenRowsAreForgottenAndARowOfTheTestSplitIsAnError(@TempDir Path dir) {
    var split = Digits.standardSplit(); // the embedded digits' split, which --forget-rows indexes
    int[] train = split.trainRows();
    Outcome o = ScoreboardTest.run(with(with(new String[] {"scoreboard"}, TINY), "--out",
        dir.toString(), "--cache", "none", "--forget-rows",
        train[3] + "," + train[100] + "," + train[7]));
    assertThat(o.status()).as(o.err()).isZero();
    assertThat(o.err()).contains("forgetting 3 rows");
    int inTest = split.testRows()[0];
    Outcome bad = ScoreboardTest.run("scoreboard", "--forget-rows", String.valueOf(inTest));
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("--forget-rows: row " + inTest + " must be a data row in the "
        + "training split");
  }
}

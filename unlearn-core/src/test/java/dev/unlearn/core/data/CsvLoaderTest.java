package dev.unlearn.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvLoaderTest {
  private static final String WITH_HEADER = """
      a,label,b,user
      1.5,2,-3,10
      0,0,4e2,11
      7,1,0.25,10
      """;

  @TempDir
  Path dir;

  private static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] gzip(String s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static double[] flat(Dataset d) {
    return d.features().dup('c').data().asDouble();
  }

  private static void checkHeaderExample(Dataset d) {
    assertThat(d.size()).isEqualTo(3);
    assertThat(d.numFeatures()).isEqualTo(2);
    assertThat(flat(d)).containsExactly(1.5, -3, 0, 400, 7, 0.25);
    assertThat(d.labels()).containsExactly(2, 0, 1);
    assertThat(d.numClasses()).isEqualTo(3);
    assertThat(d.groups()).hasValueSatisfying(g -> assertThat(g).containsExactly(10, 11, 10));
  }

  @Test
  void headerWithLabelAndGroupByName() {
    Dataset d = CsvLoader.builder().header(true).labelColumn("label").groupColumn("user").build()
        .load(text(WITH_HEADER));
    checkHeaderExample(d);
  }

  @Test
  void headerWithLabelAndGroupByIndexIncludingNegative() {
    Dataset d = CsvLoader.builder().header(true).labelColumn(1).groupColumn(-1).build()
        .load(text(WITH_HEADER));
    checkHeaderExample(d);
    Dataset noGroup = CsvLoader.builder().header(true).labelColumn(-3).build()
        .load(text(WITH_HEADER));
    assertThat(noGroup.numFeatures()).isEqualTo(3);
    assertThat(flat(noGroup)).containsExactly(1.5, -3, 10, 0, 400, 11, 7, 0.25, 10);
    assertThat(noGroup.hasGroups()).isFalse();
  }

  @Test
  void noHeaderLabelLastByDefaultBlankLinesTrimmingAndGivenClassCount() {
    String csv = "1, 2, 0\n\n 3,4,3.0 \r\n5,6,1\n";
    Dataset d = CsvLoader.builder().numClasses(6).build().load(text(csv));
    assertThat(flat(d)).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(d.labels()).containsExactly(0, 3, 1);
    assertThat(d.numClasses()).isEqualTo(6);
    Dataset first = CsvLoader.builder().labelColumn(0).delimiter(';').build()
        .load(text("1;2;3\n0;4;5\n"));
    assertThat(first.labels()).containsExactly(1, 0);
    assertThat(flat(first)).containsExactly(2, 3, 4, 5);
  }

  @Test
  void gzipByNameByMagicBytesAndFromAStream() throws IOException {
    byte[] gz = gzip(WITH_HEADER);
    CsvLoader loader = CsvLoader.builder().header(true).labelColumn("label").groupColumn("user")
        .build();
    Path named = dir.resolve("data.csv.gz");
    Files.write(named, gz);
    checkHeaderExample(loader.load(named));
    Path unnamed = dir.resolve("data.csv");
    Files.write(unnamed, gz);
    checkHeaderExample(loader.load(unnamed));
    checkHeaderExample(loader.load(new ByteArrayInputStream(gz)));
    Path plain = dir.resolve("plain.csv");
    Files.writeString(plain, WITH_HEADER);
    checkHeaderExample(loader.load(plain));
    Path fake = dir.resolve("fake.csv.gz");
    Files.writeString(fake, WITH_HEADER);
    assertThatThrownBy(() -> loader.load(fake)).isInstanceOf(InvalidInputException.class)
        .hasMessage("source (" + fake + ") must be gzip-compressed, as its name says");
    assertThatThrownBy(() -> loader.load(dir.resolve("missing.csv")))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("missing.csv");
  }

  private static void fails(CsvLoader.Builder b, String csv, String message) {
    assertThatThrownBy(() -> b.build().load(text(csv), "t.csv"))
        .isInstanceOf(InvalidInputException.class).hasMessage(message);
  }

  @Test
  void raggedRowsNameTheLine() {
    fails(CsvLoader.builder().header(true), "a,b,y\n1,2,0\n3,1\n",
        "fields (2) at t.csv line 3 must number 3, as in the header");
    fails(CsvLoader.builder(), "1,2,0\n\n3,4,5,1\n",
        "fields (4) at t.csv line 3 must number 3, as in the first line");
  }

  @Test
  void badFeaturesNameLineAndColumn() {
    fails(CsvLoader.builder().header(true), "a,b,y\n1,2,0\n3,x,1\n",
        "feature (x) at t.csv line 3, column 2 (\"b\") must be a decimal number");
    fails(CsvLoader.builder(), "1,,0\n", "feature () at t.csv line 1, column 2 must be a decimal number");
    fails(CsvLoader.builder(), "1,2,0\nNaN,2,1\n",
        "feature (NaN) at t.csv line 2, column 1 must be finite");
    fails(CsvLoader.builder(), "1,-Infinity,0\n",
        "feature (-Infinity) at t.csv line 1, column 2 must be finite");
  }

  @Test
  void badLabelsAndGroups() {
    fails(CsvLoader.builder().header(true), "a,y\n1,0\n2,1.5\n",
        "label (1.5) at t.csv line 3, column 2 (\"y\") must be an integer");
    fails(CsvLoader.builder(), "1,cat\n", "label (cat) at t.csv line 1, column 2 must be an integer");
    fails(CsvLoader.builder(), "1,0\n2,-1\n", "label (-1) at t.csv line 2, column 2 must be >= 0");
    fails(CsvLoader.builder().numClasses(3), "1,0\n2,3\n",
        "label (3) at t.csv line 2, column 2 must be < numClasses (3)");
    fails(CsvLoader.builder(), "1,0\n2,0\n",
        "numClasses (1), inferred as the largest label + 1 in t.csv, must be >= 2; "
            + "give it with numClasses(...)");
    fails(CsvLoader.builder().groupColumn(0), "u7,1,0\n",
        "group id (u7) at t.csv line 1, column 1 must be an integer");
    fails(CsvLoader.builder().groupColumn(-1), "1,0\n",
        "group column (2) must differ from the label column");
    fails(CsvLoader.builder().labelColumn(0), "1\n",
        "columns (1) of t.csv must include at least one feature besides the label");
  }

  @Test
  void missingColumnsAndEmptyInput() {
    fails(CsvLoader.builder().header(true).labelColumn("digit"), "a,b\n1,0\n",
        "label column (\"digit\") must be one of the header names of t.csv [a, b]");
    fails(CsvLoader.builder().header(true).labelColumn("y").groupColumn("user"), "a,y\n1,0\n",
        "group column (\"user\") must be one of the header names of t.csv [a, y]");
    fails(CsvLoader.builder().header(true).labelColumn("y"), "y,a,y\n1,0,1\n",
        "label column (\"y\") must appear once in the header of t.csv, found at columns 1 and 3");
    fails(CsvLoader.builder().labelColumn(3), "1,2,0\n",
        "label column index (3) must be in [-3, 3) for the 3 columns of t.csv");
    fails(CsvLoader.builder().labelColumn(-4), "1,2,0\n",
        "label column index (-4) must be in [-3, 3) for the 3 columns of t.csv");
    fails(CsvLoader.builder(), "", "input (t.csv) must not be empty");
    fails(CsvLoader.builder(), "\n  \n", "input (t.csv) must not be empty");
    fails(CsvLoader.builder().header(true), "a,y\n",
        "data rows (0) of t.csv must be at least 1 (only a header was found)");
    assertThatThrownBy(() -> CsvLoader.builder().labelColumn("y").build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("label column (\"y\") must be given by index when the input has no header "
            + "(header(false))");
    assertThatThrownBy(() -> CsvLoader.builder().numClasses(1))
        .isInstanceOf(InvalidInputException.class).hasMessage("numClasses (1) must be >= 2");
  }

  @Test
  void quotedFieldsCrlfAndAByteOrderMarkAsExcelWritesThem() {
    String csv = "\uFEFF\"weight, kg\",\"say \"\"hi\"\"\",y\r\n"
        + "1.5,\" 2 \",0\r\n"
        + "\r\n"
        + "-.5,3e2,1\r\n";
    Dataset d = CsvLoader.builder().header(true).labelColumn("y").build().load(text(csv), "x.csv");
    assertThat(d.size()).isEqualTo(2);
    assertThat(flat(d)).containsExactly(1.5, 2, -0.5, 300);
    assertThat(d.labels()).containsExactly(0, 1);
    // a header name with the delimiter and doubled quotes inside resolves by its unquoted text
    Dataset byName = CsvLoader.builder().header(true).labelColumn("say \"hi\"").build()
        .load(text("a,\"say \"\"hi\"\"\"\n1,0\n2,1\n"), "x.csv");
    assertThat(byName.labels()).containsExactly(0, 1);
    fails(CsvLoader.builder(), "1,0\n\"2,1\n", "t.csv is not valid CSV: "
        + "(startline 2) EOF reached before encapsulated token finished");
  }

  @Test
  void numbersMustBeDecimalNotJavaLiterals() {
    fails(CsvLoader.builder(), "1.5f,0\n", "feature (1.5f) at t.csv line 1, column 1 must be a "
        + "decimal number");
    fails(CsvLoader.builder(), "1,0\n2d,1\n", "feature (2d) at t.csv line 2, column 1 must be a "
        + "decimal number");
    fails(CsvLoader.builder(), "0x1p3,0\n", "feature (0x1p3) at t.csv line 1, column 1 must be a "
        + "decimal number");
    fails(CsvLoader.builder(), "1\u00002,0\n", "feature (1\\u00002) at t.csv line 1, column 1 must "
        + "be a decimal number");
    fails(CsvLoader.builder(), "1,0\n2,1d\n", "label (1d) at t.csv line 2, column 2 must be an "
        + "integer");
    fails(CsvLoader.builder(), "1,0\n2,inf\n", "label (inf) at t.csv line 2, column 2 must be an "
        + "integer");
    Dataset ok = CsvLoader.builder().build().load(text("+1,0\n1.,1\n.25,1\n-2E+2,0\n"), "t.csv");
    assertThat(flat(ok)).containsExactly(1, 1, 0.25, -200);
  }

  @Test
  void aLabelTypoIsAnErrorNotAMillionClasses() {
    fails(CsvLoader.builder(), "1,0\n2,1\n3,1000000\n4,2\n",
        "numClasses (1000001), inferred from the largest label (1000000, at t.csv line 3), must "
            + "not exceed the number of rows (4); a typo? Give numClasses(...) if it is meant");
    fails(CsvLoader.builder(), "1,0\n2,1\n3,2147483647\n",
        "numClasses (2147483648), inferred from the largest label (2147483647, at t.csv line 3), "
            + "must not exceed the number of rows (3); a typo? Give numClasses(...) if it is meant");
    fails(CsvLoader.builder(), "1,0\n2,3\n3,0\n4,3\n5,0\n",
        "classes 0..3, inferred from the largest label (3, at t.csv line 2), must each have a row, "
            + "but 2 have none (the first is 1); a typo? Give numClasses(...) if it is meant");
    // given explicitly, empty classes are allowed
    Dataset d = CsvLoader.builder().numClasses(4).build().load(text("1,0\n2,3\n"), "t.csv");
    assertThat(d.numClasses()).isEqualTo(4);
  }

  @Test
  void skippedPreambleLinesStillCountInLineNumbers() {
    Dataset d = CsvLoader.builder().skipLines(2).header(true).labelColumn("y").build()
        .load(text("exported 2026-11-29\n# by a tool\na,y\n1,0\n2,1\n"), "t.csv");
    assertThat(flat(d)).containsExactly(1, 2);
    fails(CsvLoader.builder().skipLines(1).header(true), "junk\na,y\n1,0\nx,1\n",
        "feature (x) at t.csv line 4, column 1 (\"a\") must be a decimal number");
    fails(CsvLoader.builder().skipLines(5), "1,0\n", "input (t.csv) has 1 lines, fewer than the 5 "
        + "to skip");
    fails(CsvLoader.builder().skipLines(2), "a\nb\n1,0\n\"2,1\n", "t.csv is not valid CSV: "
        + "(startline 4) EOF reached before encapsulated token finished");
  }
}

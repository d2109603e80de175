package dev.unlearn.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.testkit.Tolerance;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DigitsTest {
  /** The resource parsed here, independently of CsvLoader: rows of 64 pixels + label. */
  private static double[][] file;

  @BeforeAll
  static void readResourceDirectly() throws IOException {
    List<double[]> rows = new ArrayList<>();
    try (InputStream in = DigitsTest.class.getResourceAsStream(Digits.RESOURCE);
        BufferedReader r = new BufferedReader(
            new InputStreamReader(new GZIPInputStream(in), StandardCharsets.US_ASCII))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split(",");
        double[] v = new double[f.length];
        for (int j = 0; j < f.length; j++) {
          v[j] = Double.parseDouble(f[j]);
        }
        rows.add(v);
      }
    }
    file = rows.toArray(new double[0][]);
  }

  @Test
  void loadsAllRowsPixelsAndLabelsOfTheEmbeddedFile() {
    Dataset d = Digits.load();
    assertThat(d.size()).isEqualTo(1797).isEqualTo(file.length);
    assertThat(d.numFeatures()).isEqualTo(64);
    assertThat(d.numClasses()).isEqualTo(10);
    assertThat(d.hasGroups()).isFalse();
    double[] x = d.features().dup('c').data().asDouble();
    int[] expectedCounts = new int[10];
    for (int i = 0; i < file.length; i++) {
      assertThat(file[i]).hasSize(65);
      for (int j = 0; j < 64; j++) {
        assertThat(x[i * 64 + j]).as("row %d pixel %d", i, j).isEqualTo(file[i][j]);
        assertThat(x[i * 64 + j]).isBetween(0.0, 16.0).isEqualTo(Math.rint(x[i * 64 + j]));
      }
      assertThat((double) d.label(i)).as("label of row %d", i).isEqualTo(file[i][64]);
      expectedCounts[(int) file[i][64]]++;
    }
    assertThat(d.classCounts()).containsExactly(expectedCounts);
    // The class counts of the UCI test part (optdigits.tes).
    assertThat(expectedCounts).containsExactly(178, 182, 177, 183, 181, 182, 181, 179, 174, 180);
    assertThat(Digits.load()).as("cached").isSameAs(d);
  }

  @Test
  void standardSplitHasThePeerSizesClassCountsAndRows() throws IOException {
    Split s = Digits.standardSplit();
    assertThat(s.train().size()).isEqualTo(1437);
    assertThat(s.test().size()).isEqualTo(360);
    // Largest-remainder allocation (sklearn's _approximate_mode), computed by hand for the class
    // counts above: train floor(c * 1437 / 1797) + 1 for classes 9, 4, 6, 2 and, of the tied 1
    // and 5, class 1 (sklearn's tie break with seed 0); the test set takes the rest.
    assertThat(s.train().classCounts())
        .containsExactly(142, 146, 142, 146, 145, 145, 145, 143, 139, 144);
    assertThat(s.test().classCounts()).containsExactly(36, 36, 35, 37, 36, 37, 36, 36, 35, 36);
    SklearnGolden.Case golden = SklearnGolden.load().get("digits-stratified-0.2-seed0");
    assertThat(s.trainRows()).containsExactly(golden.train());
    assertThat(s.testRows()).containsExactly(golden.test());
    for (int i = 0; i < s.train().size(); i++) {
      assertThat((double) s.train().label(i)).isEqualTo(file[s.trainRows()[i]][64]);
    }
  }

  @Test
  void standardSplitIsZScoredWithTrainingStatistics() {
    Split s = Digits.standardSplit();
    int n = s.train().size();
    double[] z = s.train().features().dup('c').data().asDouble();
    double[] zt = s.test().features().dup('c').data().asDouble();
    int[] tr = s.trainRows();
    int[] te = s.testRows();
    Tolerance tol = Tolerance.of(1e-12, 1e-10);
    int constant = 0;
    for (int j = 0; j < 64; j++) {
      double first = file[tr[0]][j];
      boolean isConstant = true;
      for (int i : tr) {
        isConstant &= file[i][j] == first;
      }
      double mean = 0;
      double sq = 0;
      for (int i = 0; i < n; i++) {
        mean += z[i * 64 + j];
      }
      mean /= n;
      for (int i = 0; i < n; i++) {
        sq += (z[i * 64 + j] - mean) * (z[i * 64 + j] - mean);
      }
      double std = Math.sqrt(sq / n);
      tol.assertClose(mean, 0.0);
      if (isConstant) {
        constant++;
        for (int i = 0; i < n; i++) {
          assertThat(z[i * 64 + j]).isZero();
        }
        for (int i = 0; i < te.length; i++) {
          assertThat(zt[i * 64 + j]).isEqualTo(file[te[i]][j] - first);
        }
      } else {
        tol.assertClose(std, 1.0);
      }
    }
    assertThat(constant).as("pixel 0 is blank in every image").isGreaterThanOrEqualTo(1);
    // Column 21 of the test set by hand, from the raw pixels of the training rows.
    int j = 21;
    double mean = 0;
    for (int i : tr) {
      mean += file[i][j];
    }
    mean /= n;
    double var = 0;
    for (int i : tr) {
      var += (file[i][j] - mean) * (file[i][j] - mean);
    }
    double std = Math.sqrt(var / n);
    double[] expected = new double[te.length];
    double[] actual = new double[te.length];
    for (int i = 0; i < te.length; i++) {
      expected[i] = (file[te[i]][j] - mean) / std;
      actual[i] = zt[i * 64 + j];
    }
    tol.assertClose(actual, expected);
  }
}

package dev.unlearn.metrics.forgetting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfidenceCsvTest {

  @Test
  void readsRowsWithHeaderCommentsAndBlanks(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("conf.csv");
    Files.writeString(file, "# two models, three examples\nex0,ex1,ex2\n1.5, -2,3e-1\n\n0,4.25,-7\n");
    assertThat(ConfidenceCsv.read(file)).isDeepEqualTo(new double[][] {{1.5, -2, 0.3}, {0, 4.25, -7}});
    assertThat(ConfidenceCsv.read(new StringReader("1,2\n3,4")))
        .isDeepEqualTo(new double[][] {{1, 2}, {3, 4}});
  }

  @Test
  void rejectsNonFiniteRaggedAndEmpty() {
    assertThatThrownBy(() -> ConfidenceCsv.read(new StringReader("a,b\n1,2\n3,NaN\n")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 1, column 1").hasMessageContaining("line 3")
        .hasMessageContaining("must be finite");
    assertThatThrownBy(() -> ConfidenceCsv.read(new StringReader("1,2\n3,Infinity\n")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("row 1, column 1");
    assertThatThrownBy(() -> ConfidenceCsv.read(new StringReader("1,2\n3,x\n")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("must be a number");
    assertThatThrownBy(() -> ConfidenceCsv.read(new StringReader("1,2\n3\n")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 1 (line 2) length (1) must be 2");
    assertThatThrownBy(() -> ConfidenceCsv.read(new StringReader("h1,h2\n")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("data rows (0)");
  }

  @Test
  void aFirstRowOfNonFiniteValuesIsDataAndFailsNotASilentlyDroppedHeader() {
    for (String v : new String[] {"nan", "inf", "-inf", "NaN", "-Infinity", "+INF"}) {
      assertThatThrownBy(() -> ConfidenceCsv.read(new StringReader(v + ",0.5\n1,2\n")))
          .as(v).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("row 0, column 0").hasMessageContaining("must be finite");
    }
  }

  @Test
  void javaOnlyNumberSpellingsAreNotNumbers() {
    for (String v : new String[] {"1.5f", "2d", "0x1p3", "1\u00005"}) {
      assertThatThrownBy(() -> ConfidenceCsv.read(new StringReader("1,2\n3," + v + "\n")))
          .as(v).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("row 1, column 1").hasMessageContaining("must be a number");
    }
    // Plain decimals in every form still read, and a real header is still skipped.
    assertThat(ConfidenceCsv.read(new StringReader("u0,u1\n-0.5,1e-3\n.25,+3.\n")))
        .isDeepEqualTo(new double[][] {{-0.5, 1e-3}, {0.25, 3}});
  }
}

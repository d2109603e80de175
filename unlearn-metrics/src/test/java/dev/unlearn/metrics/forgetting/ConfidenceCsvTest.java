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
}

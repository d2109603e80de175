package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes a CSV of its own (three Gaussian classes, label column in the middle) and runs on it. */
class OwnDataTest {
  @TempDir Path dir;

  @Test
  void newtonOnACsvOfOurOwnLandsNearTheRetrainedModel() throws IOException {
    Path csv = dir.resolve("measurements.csv");
    Random rng = new Random(2026);
    StringBuilder sb = new StringBuilder("width,height,species,depth\r\n");
    for (int i = 0; i < 300; i++) {
      int c = i % 3;
      sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%d,%.4f\r\n", 10 + 2 * c + rng.nextGaussian(),
          -5 + c + rng.nextGaussian(), c, 100 * rng.nextGaussian()));
    }
    Files.writeString(csv, sb, StandardCharsets.UTF_8);

    OwnData.Outcome o = OwnData.run(csv, "species");
    System.out.println(o);
    assertEquals(240, o.trainRows());
    assertEquals(3, o.features());
    assertEquals(3, o.classes());
    // Oracle: retraining without the forgotten rows. On a strongly convex objective one Newton step
    // from the optimum lands far closer to it than the original model was.
    assertTrue(o.originalDistance() > 0);
    assertTrue(o.newtonDistance() < 0.05 * o.originalDistance(), o.toString());
  }
}

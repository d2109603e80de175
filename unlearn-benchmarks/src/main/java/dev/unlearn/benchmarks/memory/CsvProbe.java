package dev.unlearn.benchmarks.memory;

import dev.unlearn.api.Dataset;
import dev.unlearn.core.data.CsvLoader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Loads a large CSV with {@link CsvLoader} and prints the time and the peak resident set: the
 * check that a 700 MB file loads under a 2 GB heap. With {@code --write ROWS} it first writes the
 * file (64 features with 6 decimals and a label in 0..9, about 640 bytes a row).
 *
 * <pre>
 * java -Xmx2g -Dorg.bytedeco.javacpp.maxbytes=2g -Dorg.bytedeco.javacpp.maxphysicalbytes=5g \
 *   -cp unlearn-benchmarks/target/benchmarks.jar dev.unlearn.benchmarks.memory.CsvProbe \
 *   /tmp/big.csv --write 1100000
 * </pre>
 */
public final class CsvProbe {
  private CsvProbe() {}

  public static void main(String[] args) throws IOException {
    Path path = Path.of(args[0]);
    if (args.length > 2 && args[1].equals("--write")) {
      write(path, Integer.parseInt(args[2]));
    }
    long start = System.nanoTime();
    Dataset d = CsvLoader.builder().build().load(path);
    System.out.printf(Locale.ROOT, "%s: %.0f MB, %d x %d, %d classes, %.1f s, peak RSS %s, "
        + "heap max %d MB%n", path, Files.size(path) / 1e6, d.size(), d.numFeatures(),
        d.numClasses(), (System.nanoTime() - start) * 1e-9, MemoryProbe.status("VmHWM"),
        Runtime.getRuntime().maxMemory() >> 20);
  }

  private static void write(Path path, int rows) throws IOException {
    SplittableRandom rng = new SplittableRandom(1);
    try (BufferedWriter w = Files.newBufferedWriter(path)) {
      StringBuilder line = new StringBuilder(700);
      for (int i = 0; i < rows; i++) {
        line.setLength(0);
        for (int j = 0; j < 64; j++) {
          line.append(String.format(Locale.ROOT, "%.6f,", rng.nextGaussian()));
        }
        line.append(i % 10).append('\n');
        w.write(line.toString());
      }
    }
  }
}

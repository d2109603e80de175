package dev.unlearn.benchmarks.memory;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.hessian.amortized.AmortizedDeleter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Measures the resident memory of a long deletion stream under the JVM's off-heap limits, for the
 * memory rule in the README: on digits softmax regression (p = 650), it prepares a Cholesky
 * deleter and sends it 20 requests of 14 rows, again and again for the given seconds, and prints
 * the peak resident set (VmHWM), the final one (VmRSS) and the number of requests served.
 *
 * <pre>
 * java -Xmx512m -Dorg.bytedeco.javacpp.maxbytes=256m -Dorg.bytedeco.javacpp.maxphysicalbytes=1g \
 *   -cp unlearn-benchmarks/target/benchmarks.jar dev.unlearn.benchmarks.memory.MemoryProbe 60
 * </pre>
 */
public final class MemoryProbe {
  private MemoryProbe() {}

  public static void main(String[] args) throws IOException {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 60;
    Dataset train = Digits.standardSplit().train();
    Model model = LogisticRegression.of(64, 10).withL2(1e-3);
    INDArray theta = Trainer.train(model, train, TrainingRecipe.lbfgs(1e-6)).parameters();
    int[] order = new int[train.size()];
    Arrays.setAll(order, i -> i);
    SplittableRandom rng = new SplittableRandom(13);
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long requests = 0;
    while (System.nanoTime() < end) {
      AmortizedDeleter deleter = AmortizedDeleter.prepare(model, theta, train,
          AmortizedDeleter.Options.cholesky(0));
      for (int i = order.length - 1; i > 0; i--) { // a fresh shuffle: 20 disjoint requests
        int j = rng.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int q = 0; q < 20; q++) {
        deleter.delete(Arrays.copyOfRange(order, q * 14, (q + 1) * 14));
        requests++;
      }
    }
    System.out.printf(Locale.ROOT, "requests %d, peak RSS %s, final RSS %s, heap max %d MB, "
        + "maxbytes %s, maxphysicalbytes %s%n", requests, status("VmHWM"), status("VmRSS"),
        Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("org.bytedeco.javacpp.maxbytes", "default"),
        System.getProperty("org.bytedeco.javacpp.maxphysicalbytes", "default"));
  }

  static String status(String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(key + ":")) {
        return line.substring(key.length() + 1).trim();
      }
    }
    return "unknown";
  }
}

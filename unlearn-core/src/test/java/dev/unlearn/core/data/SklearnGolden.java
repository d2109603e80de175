package dev.unlearn.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The golden splits written by make_sklearn_golden.py (scikit-learn 1.2.1, numpy 1.24.2). */
final class SklearnGolden {
  /** One case; {@code labels} is null for "labels digits". */
  record Case(String name, boolean stratified, double testFraction, long seed, int[] labels,
      int[] train, int[] test) {}

  private SklearnGolden() {}

  static Map<String, Case> load() throws IOException {
    Map<String, Case> cases = new LinkedHashMap<>();
    try (InputStream in = SklearnGolden.class.getResourceAsStream("sklearn-splits.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      Map<String, String> block = new LinkedHashMap<>();
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          if (!block.isEmpty()) {
            Case c = toCase(block);
            cases.put(c.name(), c);
            block.clear();
          }
          continue;
        }
        int sp = line.indexOf(' ');
        block.put(line.substring(0, sp), line.substring(sp + 1));
      }
      if (!block.isEmpty()) {
        Case c = toCase(block);
        cases.put(c.name(), c);
      }
    }
    return cases;
  }

  private static Case toCase(Map<String, String> b) {
    String labels = b.get("labels");
    return new Case(b.get("case"), Boolean.parseBoolean(b.get("stratified")),
        Double.parseDouble(b.get("testFraction")), Long.parseLong(b.get("seed")),
        labels.equals("digits") ? null : ints(labels), ints(b.get("train")), ints(b.get("test")));
  }

  private static int[] ints(String s) {
    return Arrays.stream(s.trim().split(" ")).mapToInt(Integer::parseInt).toArray();
  }
}

package dev.unlearn.core.data;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Selectors of forget sets: the rows an unlearning request removes, returned as sorted, distinct
 * row indices into the data set. Random selections are seeded ({@link SplittableRandom}, partial
 * Fisher&ndash;Yates) and deterministic for a seed; class and group selections are exact.
 *
 * <pre>{@code
 * int[] forget = ForgetSets.randomFraction(train, 0.01, 42);   // 1 % of the rows
 * int[] person = ForgetSets.groups(train, 17);                 // every row of group 17
 * }</pre>
 *
 * <p>A forget set must be non-empty and must leave at least one row to retain; anything else
 * fails with {@link InvalidInputException}: a count outside {@code [1, n - 1]}, a fraction
 * outside (0, 1) (NaN included) or one that rounds to every row, a class outside {@code [0,
 * numClasses)} or with no rows, a group id that no row carries, a group selection on data without
 * group ids, an empty or repeated list of classes or groups. The data set is only read.
 */
public final class ForgetSets {
  private ForgetSets() {}

  /** {@code k} rows drawn uniformly without replacement, sorted. */
  public static int[] random(Dataset data, int k, long seed) {
    int n = data.size();
    InvalidInputException.check(k >= 1 && k <= n - 1,
        "forget set size k (%d) must be in [1, %d] for %d rows", k, n - 1, n);
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] out = Arrays.copyOf(perm, k);
    Arrays.sort(out);
    return out;
  }

  /**
   * {@code round(fraction * n)} rows (half rounds up, at least 1) drawn uniformly without
   * replacement, sorted.
   */
  public static int[] randomFraction(Dataset data, double fraction, long seed) {
    int n = data.size();
    InvalidInputException.check(fraction > 0 && fraction < 1, "fraction (%s) must be in (0, 1)",
        fraction);
    int k = Math.max(1, (int) Math.floor(fraction * n + 0.5));
    InvalidInputException.check(k <= n - 1,
        "fraction (%s) of %d rows selects %d rows; it must leave at least one row", fraction, n,
        k);
    return random(data, k, seed);
  }

  /** Every row whose label is one of {@code classes}, sorted. */
  public static int[] classes(Dataset data, int... classes) {
    InvalidInputException.check(classes.length > 0, "classes (none) must name at least one class");
    int[] counts = data.classCounts();
    boolean[] chosen = new boolean[data.numClasses()];
    for (int c : classes) {
      InvalidInputException.check(c >= 0 && c < data.numClasses(),
          "class (%d) must be in [0, %d)", c, data.numClasses());
      InvalidInputException.check(!chosen[c], "class (%d) must be listed once", c);
      InvalidInputException.check(counts[c] > 0, "class (%d) must have at least one row", c);
      chosen[c] = true;
    }
    int n = data.size();
    int[] out = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (chosen[data.label(i)]) {
        out[m++] = i;
      }
    }
    InvalidInputException.check(m < n,
        "classes %s cover all %d rows; the forget set must leave at least one row",
        Arrays.toString(classes), n);
    return Arrays.copyOf(out, m);
  }

  /** Every row whose group id is one of {@code groupIds}, sorted. */
  public static int[] groups(Dataset data, int... groupIds) {
    InvalidInputException.check(data.hasGroups(),
        "data set (%s) must have group ids to select by group", data);
    InvalidInputException.check(groupIds.length > 0,
        "group ids (none) must name at least one group");
    int[] g = data.groups().orElseThrow();
    int[] wanted = groupIds.clone();
    Arrays.sort(wanted);
    for (int i = 1; i < wanted.length; i++) {
      InvalidInputException.check(wanted[i] != wanted[i - 1], "group (%d) must be listed once",
          wanted[i]);
    }
    boolean[] seen = new boolean[wanted.length];
    int n = g.length;
    int[] out = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      int at = Arrays.binarySearch(wanted, g[i]);
      if (at >= 0) {
        seen[at] = true;
        out[m++] = i;
      }
    }
    for (int j = 0; j < wanted.length; j++) {
      InvalidInputException.check(seen[j], "group (%d) must be present in the data set",
          wanted[j]);
    }
    InvalidInputException.check(m < n,
        "groups %s cover all %d rows; the forget set must leave at least one row",
        Arrays.toString(groupIds), n);
    return Arrays.copyOf(out, m);
  }
}

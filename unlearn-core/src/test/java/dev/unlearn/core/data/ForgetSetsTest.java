package dev.unlearn.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ForgetSetsTest {
  private static final int[] LABELS = {0, 2, 1, 2, 0, 0, 1, 2, 2, 0, 1, 0};
  private static final int[] GROUPS = {5, 5, 9, 1, 9, 5, 1, 1, 9, 5, 7, 1};

  private static Dataset data() {
    return DataFixtures.indexed(LABELS, 4).withGroups(GROUPS);
  }

  private static void sortedDistinctInRange(int[] rows, int n) {
    for (int i = 0; i < rows.length; i++) {
      assertThat(rows[i]).isBetween(0, n - 1);
      if (i > 0) {
        assertThat(rows[i]).isGreaterThan(rows[i - 1]);
      }
    }
  }

  @Test
  void randomRowsAreSortedDistinctAndSeeded() {
    Dataset d = DataFixtures.indexed(DataFixtures.randomLabels(500, 3, 1), 3);
    for (long seed : new long[] {0, 1, 77}) {
      System.out.println("forget random seed=" + seed);
      int[] f = ForgetSets.random(d, 37, seed);
      assertThat(f).hasSize(37);
      sortedDistinctInRange(f, 500);
      assertThat(ForgetSets.random(d, 37, seed)).containsExactly(f);
      assertThat(ForgetSets.random(d, 37, seed + 1)).isNotEqualTo(f);
    }
    assertThat(ForgetSets.random(d, 499, 4)).hasSize(499);
    assertThat(ForgetSets.random(d, 1, 4)).hasSize(1);
  }

  @Test
  void randomRowsAreUniform() {
    // Each of n = 20 rows is in a k = 5 selection with probability 1/4: over 4000 seeds the
    // counts are Binomial(4000, 1/4) (mean 1000, sd 27); allow 5.5 sd.
    Dataset d = DataFixtures.indexed(DataFixtures.randomLabels(20, 2, 2), 2);
    int[] hits = new int[20];
    for (long seed = 0; seed < 4000; seed++) {
      for (int i : ForgetSets.random(d, 5, seed)) {
        hits[i]++;
      }
    }
    System.out.println("forget uniformity seeds 0..3999 hits=" + Arrays.toString(hits));
    for (int h : hits) {
      assertThat(h).isBetween(850, 1150);
    }
  }

  @Test
  void fractionRoundsHalfUpAndKeepsAtLeastOneRow() {
    Dataset d = DataFixtures.indexed(DataFixtures.randomLabels(10, 2, 3), 2);
    assertThat(ForgetSets.randomFraction(d, 0.25, 9)).hasSize(3); // 2.5 -> 3
    assertThat(ForgetSets.randomFraction(d, 0.24, 9)).hasSize(2); // 2.4 -> 2
    assertThat(ForgetSets.randomFraction(d, 0.01, 9)).hasSize(1); // 0.1 -> at least 1
    assertThat(ForgetSets.randomFraction(d, 0.94, 9)).hasSize(9);
    assertThat(ForgetSets.randomFraction(d, 0.3, 9)).containsExactly(ForgetSets.random(d, 3, 9));
    sortedDistinctInRange(ForgetSets.randomFraction(d, 0.5, 9), 10);
    assertThatThrownBy(() -> ForgetSets.randomFraction(d, 0.95, 9))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("fraction (0.95) of 10 rows selects 10 rows; it must leave at least one row");
    for (double f : new double[] {0, 1, -0.5, 2, Double.NaN}) {
      assertThatThrownBy(() -> ForgetSets.randomFraction(d, f, 9))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("fraction (" + f + ") must be in (0, 1)");
    }
  }

  @Test
  void classSelectionIsExact() {
    Dataset d = data();
    int[] expected02 = IntStream.range(0, LABELS.length)
        .filter(i -> LABELS[i] == 0 || LABELS[i] == 2).toArray();
    assertThat(ForgetSets.classes(d, 2, 0)).containsExactly(expected02);
    assertThat(ForgetSets.classes(d, 1)).containsExactly(2, 6, 10);
  }

  @Test
  void groupSelectionIsExact() {
    Dataset d = data();
    assertThat(ForgetSets.groups(d, 9)).containsExactly(2, 4, 8);
    int[] expected = IntStream.range(0, GROUPS.length)
        .filter(i -> GROUPS[i] == 7 || GROUPS[i] == 1).toArray();
    assertThat(ForgetSets.groups(d, 7, 1)).containsExactly(expected);
  }

  @Test
  void badSelectionsFailWithTheOffendingValue() {
    Dataset d = data();
    for (int k : new int[] {0, -1, 12, 13}) {
      assertThatThrownBy(() -> ForgetSets.random(d, k, 0))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("forget set size k (" + k + ") must be in [1, 11] for 12 rows");
    }
    assertThatThrownBy(() -> ForgetSets.classes(d, 4)).isInstanceOf(InvalidInputException.class)
        .hasMessage("class (4) must be in [0, 4)");
    assertThatThrownBy(() -> ForgetSets.classes(d, -1)).isInstanceOf(InvalidInputException.class)
        .hasMessage("class (-1) must be in [0, 4)");
    assertThatThrownBy(() -> ForgetSets.classes(d, 3)).isInstanceOf(InvalidInputException.class)
        .hasMessage("class (3) must have at least one row");
    assertThatThrownBy(() -> ForgetSets.classes(d, 1, 1))
        .isInstanceOf(InvalidInputException.class).hasMessage("class (1) must be listed once");
    assertThatThrownBy(() -> ForgetSets.classes(d)).isInstanceOf(InvalidInputException.class)
        .hasMessage("classes (none) must name at least one class");
    assertThatThrownBy(() -> ForgetSets.classes(d, 0, 1, 2))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("classes [0, 1, 2] cover all 12 rows; the forget set must leave at least one row");
    assertThatThrownBy(() -> ForgetSets.groups(d, 4)).isInstanceOf(InvalidInputException.class)
        .hasMessage("group (4) must be present in the data set");
    assertThatThrownBy(() -> ForgetSets.groups(d, 9, 9))
        .isInstanceOf(InvalidInputException.class).hasMessage("group (9) must be listed once");
    assertThatThrownBy(() -> ForgetSets.groups(d)).isInstanceOf(InvalidInputException.class)
        .hasMessage("group ids (none) must name at least one group");
    assertThatThrownBy(() -> ForgetSets.groups(d, 1, 5, 7, 9))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("groups [1, 5, 7, 9] cover all 12 rows; the forget set must leave at least one row");
    Dataset plain = DataFixtures.indexed(LABELS, 4);
    assertThatThrownBy(() -> ForgetSets.groups(plain, 5))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("data set (Dataset[n=12, d=2, classes=4]) must have group ids to select by group");
  }
}

package dev.unlearn.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {

  @Test
  void reproducesScikitLearnRowForRow() throws IOException {
    Map<String, SklearnGolden.Case> cases = SklearnGolden.load();
    assertThat(cases).hasSize(6);
    for (SklearnGolden.Case c : cases.values()) {
      System.out.println("golden case " + c.name() + " seed=" + c.seed());
      Dataset data = c.labels() == null ? Digits.load() : DataFixtures.indexed(c.labels(),
          Arrays.stream(c.labels()).max().getAsInt() + 1);
      Split s = c.stratified() ? Splits.stratified(data, c.testFraction(), c.seed())
          : Splits.random(data, c.testFraction(), c.seed());
      assertThat(s.trainRows()).as(c.name() + " train").containsExactly(c.train());
      assertThat(s.testRows()).as(c.name() + " test").containsExactly(c.test());
    }
  }

  @Test
  void mersenneTwisterMatchesTheReferenceOutputs() {
    // Reference MT19937 (Matsumoto & Nishimura's mt19937ar.c, init_genrand): seed 5489 starts
    // with 3499211612; seed 0 with 2357136044, 2546248239, 3071714933, 3626093760.
    assertThat(Integer.toUnsignedLong(new NumpyRandomState(5489).nextInt())).isEqualTo(3499211612L);
    NumpyRandomState r = new NumpyRandomState(0);
    long[] first = new long[4];
    for (int i = 0; i < 4; i++) {
      first[i] = Integer.toUnsignedLong(r.nextInt());
    }
    assertThat(first).containsExactly(2357136044L, 2546248239L, 3071714933L, 3626093760L);
    // The 10000th output of seed 5489 is 4123659995 (the C++ standard's check value).
    NumpyRandomState s = new NumpyRandomState(5489);
    int v = 0;
    for (int i = 0; i < 10000; i++) {
      v = s.nextInt();
    }
    assertThat(Integer.toUnsignedLong(v)).isEqualTo(4123659995L);
  }

  @Test
  void approximateModeMatchesTheScikitLearnDocExamples() {
    // The doctests of sklearn.utils._approximate_mode.
    assertThat(Splits.approximateMode(new int[] {4, 2}, 3, new NumpyRandomState(0)))
        .containsExactly(2, 1);
    assertThat(Splits.approximateMode(new int[] {5, 2}, 4, new NumpyRandomState(0)))
        .containsExactly(3, 1);
    assertThat(Splits.approximateMode(new int[] {2, 2, 2, 1}, 2, new NumpyRandomState(0)))
        .containsExactly(0, 1, 1, 0);
    assertThat(Splits.approximateMode(new int[] {2, 2, 2, 1}, 2, new NumpyRandomState(42)))
        .containsExactly(1, 1, 0, 0);
  }

  @Test
  void stratifiedSplitsPartitionTheRowsAndKeepClassShares() {
    for (long seed : new long[] {1, 2, 3, 99}) {
      System.out.println("stratified property seed=" + seed);
      int n = 200 + (int) seed;
      int k = 3 + (int) (seed % 4);
      int[] y = DataFixtures.randomLabels(n, k, seed);
      Dataset data = DataFixtures.indexed(y, k).withGroups(IntStream.range(0, n).map(i -> i % 7)
          .toArray());
      double fraction = 0.1 + 0.05 * seed % 0.7;
      Split s = Splits.stratified(data, fraction, seed);
      int nTest = (int) Math.ceil(fraction * n);
      checkPartition(data, s, nTest);
      int[] counts = data.classCounts();
      int[] testCounts = s.test().classCounts();
      for (int c = 0; c < k; c++) {
        double share = (double) counts[c] * nTest / n;
        // Largest remainder: each class gets the floor or the ceiling of its share.
        assertThat(testCounts[c]).as("class %d", c)
            .isBetween((int) Math.floor(share - 1e-9), (int) Math.ceil(share + 1e-9));
      }
      Split again = Splits.stratified(data, fraction, seed);
      assertThat(again.trainRows()).containsExactly(s.trainRows());
      assertThat(Splits.stratified(data, fraction, seed + 1000).trainRows())
          .isNotEqualTo(s.trainRows());
    }
  }

  @Test
  void randomSplitsPartitionTheRows() {
    long seed = 5;
    System.out.println("random split seed=" + seed);
    Dataset data = DataFixtures.indexed(DataFixtures.randomLabels(101, 4, seed), 4);
    Split s = Splits.random(data, 0.3, seed);
    checkPartition(data, s, 31);
    assertThat(Splits.random(data, 0.3, seed).testRows()).containsExactly(s.testRows());
    assertThat(Splits.random(data, 0.3, seed + 1).testRows()).isNotEqualTo(s.testRows());
  }

  private static void checkPartition(Dataset data, Split s, int nTest) {
    int n = data.size();
    assertThat(s.test().size()).isEqualTo(nTest);
    assertThat(s.train().size()).isEqualTo(n - nTest);
    int[] all = IntStream.concat(Arrays.stream(s.trainRows()), Arrays.stream(s.testRows()))
        .sorted().toArray();
    assertThat(all).containsExactly(IntStream.range(0, n).toArray());
    // Rows travel with their labels, features and groups.
    assertThat(DataFixtures.firstColumn(s.train())).containsExactly(s.trainRows());
    assertThat(DataFixtures.firstColumn(s.test())).containsExactly(s.testRows());
    for (int i = 0; i < s.train().size(); i++) {
      int src = s.trainRows()[i];
      assertThat(s.train().label(i)).isEqualTo(data.label(src));
      if (data.hasGroups()) {
        assertThat(s.train().group(i)).isEqualTo(data.group(src));
      }
    }
    assertThat(s.train().numClasses()).isEqualTo(data.numClasses());
  }

  @Test
  void absentClassesAreIgnored() {
    int[] y = {0, 0, 2, 2, 2, 0, 2, 0};
    Split s = Splits.stratified(DataFixtures.indexed(y, 4), 0.5, 3);
    assertThat(s.test().classCounts()).containsExactly(2, 0, 2, 0);
  }

  @Test
  void badInputFailsWithTheOffendingValue() {
    Dataset data = DataFixtures.indexed(new int[] {0, 1, 0, 1, 0, 1, 0, 1, 0, 1}, 2);
    for (double f : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> Splits.stratified(data, f, 0))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("testFraction (" + f + ") must be in (0, 1)");
      assertThatThrownBy(() -> Splits.random(data, f, 0))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("testFraction (" + f + ")");
    }
    assertThatThrownBy(() -> Splits.random(data, 0.95, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("testFraction (0.95) of 10 rows leaves no train row");
    assertThatThrownBy(() -> Splits.stratified(data, 0.2, -1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("seed (-1) must be in [0, 4294967295]");
    assertThatThrownBy(() -> Splits.stratified(data, 0.2, 1L << 32))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("seed (4294967296)");
    Dataset single = DataFixtures.indexed(new int[] {0, 0, 0, 1, 2, 2}, 3);
    assertThatThrownBy(() -> Splits.stratified(single, 0.5, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("rows of class 1 (1) must be >= 2 for a stratified split");
    Dataset three = DataFixtures.indexed(new int[] {0, 0, 1, 1, 2, 2, 0, 1, 2, 0}, 3);
    assertThatThrownBy(() -> Splits.stratified(three, 0.1, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("test size (1) must be >= the number of classes present (3)");
    assertThatThrownBy(() -> Splits.stratified(three, 0.9, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("train size (1) must be >= the number of classes present (3)");
  }
}

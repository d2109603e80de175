package dev.unlearn.core.data;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Seeded train/test splits that reproduce scikit-learn's {@code train_test_split} row for row: the
 * stratified split is {@code StratifiedShuffleSplit} (per-class train counts by the largest
 * remainder of {@code n_c * n_train / n}, ties broken at random, the test taking the rest) and the
 * plain split is {@code ShuffleSplit}; the random numbers come from a port of numpy's legacy
 * Mersenne Twister, so for the same integer seed the train and test rows, and their order, are the
 * ones sklearn 1.2 with numpy 1.24 returns (checked against golden files in the tests).
 *
 * <pre>{@code
 * Split s = Splits.stratified(Digits.load(), 0.2, 0);   // 1437 train / 360 test rows
 * }</pre>
 *
 * <p>The test set has {@code ceil(testFraction * n)} rows and the train set the rest. The fraction
 * must lie in (0, 1) (NaN rejected); the seed in {@code [0, 2^32)} as numpy requires; both sides
 * must be non-empty; a stratified split needs every present class to have at least two rows and
 * both sides at least one row per present class (sklearn's conditions). Classes of {@code
 * [0, numClasses)} with no rows are ignored. Features, labels and groups travel with the rows; the
 * input is not modified.
 */
public final class Splits {
  private Splits() {}

  /**
   * A stratified split whose two sides are z-scored with the training side's statistics only
   * ({@link Standardizer}); the row indices refer to {@code data}.
   */
  public static Split stratifiedStandardized(Dataset data, double testFraction, long seed) {
    Split raw = stratified(data, testFraction, seed);
    Standardizer z = Standardizer.fit(raw.train());
    return new Split(z.transform(raw.train()), z.transform(raw.test()), raw.trainRows(),
        raw.testRows());
  }

  /** A stratified split: each class keeps (nearly) its share of rows on both sides. */
  public static Split stratified(Dataset data, double testFraction, long seed) {
    int n = data.size();
    int nTest = testSize(n, testFraction);
    int nTrain = n - nTest;
    int[] counts = data.classCounts();
    int[] classes = present(counts);
    int k = classes.length;
    int[] classCounts = new int[k];
    for (int c = 0; c < k; c++) {
      classCounts[c] = counts[classes[c]];
      InvalidInputException.check(classCounts[c] >= 2,
          "rows of class %d (%d) must be >= 2 for a stratified split", classes[c],
          classCounts[c]);
    }
    InvalidInputException.check(nTrain >= k,
        "train size (%d) must be >= the number of classes present (%d)", nTrain, k);
    InvalidInputException.check(nTest >= k,
        "test size (%d) must be >= the number of classes present (%d)", nTest, k);
    NumpyRandomState rng = new NumpyRandomState(seed);
    int[] trainCounts = approximateMode(classCounts, nTrain, rng);
    int[] remaining = new int[k];
    for (int c = 0; c < k; c++) {
      remaining[c] = classCounts[c] - trainCounts[c];
    }
    int[] testCounts = approximateMode(remaining, nTest, rng);

    // Rows of each class in ascending order (sklearn: a stable argsort of the labels).
    int[] slot = new int[data.numClasses()];
    Arrays.fill(slot, -1);
    for (int c = 0; c < k; c++) {
      slot[classes[c]] = c;
    }
    int[][] byClass = new int[k][];
    int[] fill = new int[k];
    for (int c = 0; c < k; c++) {
      byClass[c] = new int[classCounts[c]];
    }
    for (int i = 0; i < n; i++) {
      int c = slot[data.label(i)];
      byClass[c][fill[c]++] = i;
    }
    int[] train = new int[nTrain];
    int[] test = new int[nTest];
    int tr = 0;
    int te = 0;
    for (int c = 0; c < k; c++) {
      int[] perm = rng.permutation(classCounts[c]);
      for (int j = 0; j < trainCounts[c]; j++) {
        train[tr++] = byClass[c][perm[j]];
      }
      for (int j = trainCounts[c]; j < trainCounts[c] + testCounts[c]; j++) {
        test[te++] = byClass[c][perm[j]];
      }
    }
    rng.shuffle(train);
    rng.shuffle(test);
    return new Split(data.rows(train), data.rows(test), train, test);
  }

  /** A plain random split, ignoring the labels. */
  public static Split random(Dataset data, double testFraction, long seed) {
    int n = data.size();
    int nTest = testSize(n, testFraction);
    int[] perm = new NumpyRandomState(seed).permutation(n);
    int[] test = Arrays.copyOfRange(perm, 0, nTest);
    int[] train = Arrays.copyOfRange(perm, nTest, n);
    return new Split(data.rows(train), data.rows(test), train, test);
  }

  private static int testSize(int n, double testFraction) {
    InvalidInputException.check(testFraction > 0 && testFraction < 1,
        "testFraction (%s) must be in (0, 1)", testFraction);
    int nTest = (int) Math.ceil(testFraction * n);
    InvalidInputException.check(nTest < n,
        "testFraction (%s) of %d rows leaves no train row; it must leave at least one",
        testFraction, n);
    return nTest;
  }

  private static int[] present(int[] counts) {
    return IntStream.range(0, counts.length).filter(c -> counts[c] > 0)
        .toArray();
  }

  /**
   * sklearn's {@code _approximate_mode}: {@code nDraws} allocated over the classes by the floor of
   * {@code count / total * nDraws}, the rest one by one by largest remainder, ties broken with
   * {@code rng} exactly as numpy's {@code choice(replace=False)} does.
   */
  static int[] approximateMode(int[] classCounts, int nDraws, NumpyRandomState rng) {
    int k = classCounts.length;
    long total = 0;
    for (int c : classCounts) {
      total += c;
    }
    double[] remainder = new double[k];
    int[] floored = new int[k];
    long sum = 0;
    for (int c = 0; c < k; c++) {
      double continuous = (double) classCounts[c] / (double) total * nDraws;
      double f = Math.floor(continuous);
      floored[c] = (int) f;
      remainder[c] = continuous - f;
      sum += floored[c];
    }
    long needToAdd = nDraws - sum;
    if (needToAdd > 0) {
      double[] values = Arrays.stream(remainder).distinct().sorted().toArray();
      for (int v = values.length - 1; v >= 0 && needToAdd > 0; v--) {
        double value = values[v];
        int[] inds = IntStream.range(0, k).filter(c -> remainder[c] == value)
            .toArray();
        int addNow = (int) Math.min(inds.length, needToAdd);
        int[] perm = rng.permutation(inds.length);
        for (int j = 0; j < addNow; j++) {
          floored[inds[perm[j]]]++;
        }
        needToAdd -= addNow;
      }
    }
    return floored;
  }
}

package dev.unlearn.core.data;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;

/**
 * A train/test partition: the two data sets and, for each of their rows, the index of that row in
 * the source (the data set that was split, or for {@link SyntheticData} the generated rows, train
 * first). {@code train().rows(i)} is source row {@code trainRows()[i]}. The index arrays are
 * copied in and out, so the record is immutable.
 */
public record Split(Dataset train, Dataset test, int[] trainRows, int[] testRows) {

  /** Checks that each index array has one entry per row of its data set, and copies them. */
  public Split {
    InvalidInputException.check(trainRows.length == train.size(),
        "trainRows (%d) must have one entry per train row (%d)", trainRows.length, train.size());
    InvalidInputException.check(testRows.length == test.size(),
        "testRows (%d) must have one entry per test row (%d)", testRows.length, test.size());
    trainRows = trainRows.clone();
    testRows = testRows.clone();
  }

  /** A copy of the source indices of the train rows, in the train set's row order. */
  @Override
  public int[] trainRows() {
    return trainRows.clone();
  }

  /** A copy of the source indices of the test rows, in the test set's row order. */
  @Override
  public int[] testRows() {
    return testRows.clone();
  }

  @Override
  public String toString() {
    return "Split[train=" + train + ", test=" + test + "]";
  }
}

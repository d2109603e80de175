package dev.unlearn.spark;

import dev.unlearn.api.InvalidInputException;
import java.io.Serializable;

/**
 * A contiguous run of rows held on the Java heap of one executor: rows {@code start} to {@code
 * start + rows - 1} of the data set, features row-major in a {@code double[]}, labels in an {@code
 * int[]}. Plain arrays so that Spark sees (and counts) all the memory a cached block takes; ND4J
 * arrays are made from them inside each task and dropped after it.
 */
public final class RowBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int start;
  private final int width;
  private final double[] features;
  private final int[] labels;

  /**
   * @param start the index of the block's first row in the whole data set (&ge; 0)
   * @param width features per row (&ge; 1)
   * @param features {@code labels.length * width} values, row-major (kept, not copied)
   * @param labels the class of each row (kept, not copied)
   */
  public RowBlock(int start, int width, double[] features, int[] labels) {
    InvalidInputException.check(start >= 0, "block start (%d) must be >= 0", start);
    InvalidInputException.check(width >= 1, "block width (%d) must be >= 1", width);
    InvalidInputException.check(features != null && labels != null,
        "block features and labels must not be null");
    InvalidInputException.check((long) labels.length * width == features.length,
        "block of %d rows x %d features needs %d values, not %d", labels.length, width,
        (long) labels.length * width, features.length);
    this.start = start;
    this.width = width;
    this.features = features;
    this.labels = labels;
  }

  public int start() {
    return start;
  }

  public int rows() {
    return labels.length;
  }

  public int width() {
    return width;
  }

  /** The features, row-major (the block's own array: do not change it). */
  public double[] features() {
    return features;
  }

  /** The labels (the block's own array: do not change it). */
  public int[] labels() {
    return labels;
  }
}

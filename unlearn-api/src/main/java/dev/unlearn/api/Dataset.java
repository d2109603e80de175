package dev.unlearn.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable labelled data set: features (n &times; d, float64), integer labels in
 * {@code [0, numClasses)}, and optional group ids (a person, a user, a document) for forgetting
 * whole groups.
 *
 * <pre>{@code
 * Dataset data = Dataset.of(features, labels, 10);
 * Dataset retain = data.without(forgetRows);
 * }</pre>
 *
 * <p>The constructor copies the features, so later changes to the caller's array do not leak in;
 * callers must not mutate the arrays this class returns. NaN or infinite features, labels out of
 * range, a ragged label array and an empty data set are rejected with {@link InvalidInputException}
 * naming the offending row. Features in other data types and one-hot labels are computed once and
 * cached.
 */
public final class Dataset {
  private final INDArray features;
  private final int[] labels;
  private final int numClasses;
  private final int[] groups; // null when there are none
  private final ConcurrentMap<DataType, INDArray> featuresByType = new ConcurrentHashMap<>();
  private final ConcurrentMap<DataType, INDArray> oneHotByType = new ConcurrentHashMap<>();

  private Dataset(INDArray features, int[] labels, int numClasses, int[] groups, boolean check) {
    if (check) {
      InvalidInputException.check(features != null && features.rank() == 2,
          "features must be a matrix (n x d), got %s",
          features == null ? "null" : Arrays.toString(features.shape()));
      InvalidInputException.check(features.rows() > 0, "a data set must have at least one row");
      InvalidInputException.check(labels.length == features.rows(),
          "labels (%d) must have one entry per feature row (%d)", labels.length, features.rows());
      InvalidInputException.check(numClasses >= 2, "numClasses (%d) must be >= 2", numClasses);
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] < 0 || labels[i] >= numClasses) {
          throw new InvalidInputException(String.format(Locale.ROOT,
              "label %d of row %d must be in [0, %d)", labels[i], i, numClasses));
        }
      }
      if (groups != null) {
        InvalidInputException.check(groups.length == labels.length,
            "groups (%d) must have one entry per row (%d)", groups.length, labels.length);
      }
      features = features.castTo(DataType.DOUBLE).dup('c');
      checkFinite(features);
      labels = labels.clone();
      groups = groups == null ? null : groups.clone();
    }
    this.features = features;
    this.labels = labels;
    this.numClasses = numClasses;
    this.groups = groups;
    featuresByType.put(DataType.DOUBLE, features);
  }

  /** A data set of the given features (n &times; d) and labels in {@code [0, numClasses)}. */
  public static Dataset of(INDArray features, int[] labels, int numClasses) {
    return new Dataset(features, labels, numClasses, null, true);
  }

  /** A data set whose rows also carry group ids. */
  public static Dataset of(INDArray features, int[] labels, int numClasses, int[] groups) {
    return new Dataset(features, labels, numClasses, groups, true);
  }

  /** The same rows with these group ids (one per row). */
  public Dataset withGroups(int[] groupIds) {
    InvalidInputException.check(groupIds.length == size(),
        "groups (%d) must have one entry per row (%d)", groupIds.length, size());
    return new Dataset(features, labels, numClasses, groupIds.clone(), false);
  }

  private static void checkFinite(INDArray x) {
    // Fast path, one native pass: a finite sum means no NaN and no infinity (either would make the
    // sum NaN or infinite). A sum that overflows only sends us to the exact scan.
    if (Double.isFinite(x.sumNumber().doubleValue())) {
      return;
    }
    // the exact scan, element by element through the buffer (no copy, any length)
    org.nd4j.linalg.api.buffer.DataBuffer v = x.data();
    long d = x.columns();
    long n = x.length();
    for (long i = 0; i < n; i++) {
      double value = v.getDouble(i);
      if (!Double.isFinite(value)) {
        throw new InvalidInputException(String.format(Locale.ROOT,
            "feature %d of row %d (%s) must be finite", i % d, i / d, value));
      }
    }
  }

  /** Number of rows n. */
  public int size() {
    return labels.length;
  }

  /** Number of features d. */
  public int numFeatures() {
    return (int) features.columns();
  }

  public int numClasses() {
    return numClasses;
  }

  /** The features, n &times; d, float64. Do not mutate. */
  public INDArray features() {
    return features;
  }

  /** The features in the given data type (computed once, cached). Do not mutate. */
  public INDArray features(DataType type) {
    return featuresByType.computeIfAbsent(type, t -> features.castTo(t).dup('c'));
  }

  /** One-hot labels, n &times; numClasses, in the given data type (cached). Do not mutate. */
  public INDArray oneHotLabels(DataType type) {
    return oneHotByType.computeIfAbsent(type, t -> {
      double[] y = new double[labels.length * numClasses];
      for (int i = 0; i < labels.length; i++) {
        y[i * numClasses + labels[i]] = 1.0;
      }
      return Nd4j.create(y, new long[] {labels.length, numClasses}, DataType.DOUBLE).castTo(t);
    });
  }

  /** A copy of the labels. */
  public int[] labels() {
    return labels.clone();
  }

  /** The labels as a read-only view (no copy: for loops that read them on every call). */
  public java.nio.IntBuffer labelView() {
    return java.nio.IntBuffer.wrap(labels).asReadOnlyBuffer();
  }

  /** The label of row {@code i}. */
  public int label(int i) {
    return labels[i];
  }

  /** A copy of the group ids, if the rows have them. */
  public Optional<int[]> groups() {
    return groups == null ? Optional.empty() : Optional.of(groups.clone());
  }

  /** The group id of row {@code i}; throws if the rows have no groups. */
  public int group(int i) {
    if (groups == null) {
      throw new InvalidInputException("this data set has no group ids");
    }
    return groups[i];
  }

  public boolean hasGroups() {
    return groups != null;
  }

  /**
   * The rows at the given indices, in that order (duplicates allowed). A contiguous ascending range
   * shares the feature storage; other selections copy.
   */
  public Dataset rows(int[] indices) {
    InvalidInputException.check(indices.length > 0, "a row selection must not be empty");
    for (int i : indices) {
      if (i < 0 || i >= size()) {
        throw new InvalidInputException(String.format(Locale.ROOT,
            "row index %d must be in [0, %d)", i, size()));
      }
    }
    int[] y = new int[indices.length];
    int[] g = groups == null ? null : new int[indices.length];
    boolean contiguous = true;
    for (int k = 0; k < indices.length; k++) {
      y[k] = labels[indices[k]];
      if (g != null) {
        g[k] = groups[indices[k]];
      }
      contiguous &= indices[k] == indices[0] + k;
    }
    INDArray x;
    if (contiguous) {
      x = features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(indices[0],
          indices[0] + indices.length), org.nd4j.linalg.indexing.NDArrayIndex.all());
    } else {
      x = gatherRows(features, indices);
    }
    return new Dataset(x, y, numClasses, g, false);
  }

  /**
   * The selected rows of a row-major float64 matrix, copied straight from its buffer (ND4J's
   * {@code getRows} costs tens of microseconds per row, which minibatch loops pay every step).
   */
  private static INDArray gatherRows(INDArray x, int[] indices) {
    int d = (int) x.columns();
    boolean plain = x.dataType() == DataType.DOUBLE && x.ordering() == 'c' && x.rank() == 2
        && x.stride(1) == 1 && x.stride(0) == d;
    if (!plain) {
      return x.getRows(indices);
    }
    java.nio.DoubleBuffer src = x.data().asNioDouble();
    long base = x.offset();
    double[] out = new double[indices.length * d];
    for (int k = 0; k < indices.length; k++) {
      src.position((int) (base + (long) indices[k] * d));
      src.get(out, k * d, d);
    }
    return Nd4j.create(out, new long[] {indices.length, d}, DataType.DOUBLE);
  }

  /** All rows except the given ones (which must be valid and distinct), in their original order. */
  public Dataset without(int[] excluded) {
    return rows(complement(excluded, size()));
  }

  /**
   * The ascending indices in {@code [0, n)} that are not in {@code excluded}.
   *
   * @throws InvalidInputException for an index out of range or listed twice
   */
  public static int[] complement(int[] excluded, int n) {
    boolean[] out = new boolean[n];
    for (int i : excluded) {
      if (i < 0 || i >= n) {
        throw new InvalidInputException(String.format(Locale.ROOT,
            "row index %d must be in [0, %d)", i, n));
      }
      if (out[i]) {
        throw new InvalidInputException("row index " + i + " is listed twice");
      }
      out[i] = true;
    }
    int[] keep = new int[n - excluded.length];
    for (int i = 0, k = 0; i < n; i++) {
      if (!out[i]) {
        keep[k++] = i;
      }
    }
    return keep;
  }

  /** Number of rows per class. */
  public int[] classCounts() {
    int[] c = new int[numClasses];
    for (int y : labels) {
      c[y]++;
    }
    return c;
  }

  @Override
  public String toString() {
    return "Dataset[n=" + size() + ", d=" + numFeatures() + ", classes=" + numClasses
        + (groups != null ? ", grouped" : "") + "]";
  }
}

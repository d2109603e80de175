package dev.unlearn.core.data;

import dev.unlearn.api.Dataset;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The UCI "Optical Recognition of Handwritten Digits" test set (E. Alpaydin and C. Kaynak, 1998;
 * UCI Machine Learning Repository; CC BY 4.0), embedded as a resource: 1797 images of 8 &times; 8
 * pixel counts in 0..16 and their digits 0..9 &mdash; the copy that scikit-learn's {@code
 * load_digits} returns (Debian's python3-sklearn), so no download is needed. Attribution is in
 * the repository's NOTICE file and beside the resource.
 *
 * <pre>{@code
 * Split s = Digits.standardSplit();      // 1437 train / 360 test, z-scored with train statistics
 * Dataset train = s.train();
 * }</pre>
 *
 * <p>{@link #standardSplit()} is the preprocessing of the PyTorch peer benchmarks ({@code
 * shared/peers/data.py}): {@code train_test_split(test_size=0.2, random_state=0, stratify=y)}
 * followed by z-scoring with the training statistics, constant columns becoming 0. Because {@link
 * Splits} reproduces scikit-learn's splits, the rows and their order are the peer's. The data
 * has no NaN, infinity or empty rows. Thread-safe; the parsed data set is cached.
 */
public final class Digits {
  /** Rows in the data set. */
  public static final int ROWS = 1797;
  /** Pixels per image (8 &times; 8). */
  public static final int FEATURES = 64;
  /** Digits 0..9. */
  public static final int CLASSES = 10;
  /** Resource path of the gzip-compressed CSV (64 pixel columns, then the digit; no header). */
  public static final String RESOURCE = "/dev/unlearn/core/data/digits.csv.gz";

  private Digits() {}

  private static final class Holder {
    static final Dataset DATA = read();
  }

  /** The 1797 &times; 64 raw pixel counts (as doubles) with labels 0..9. */
  public static Dataset load() {
    return Holder.DATA;
  }

  /** The peer's split and scaling: stratified 80/20 with seed 0, z-scored with train statistics. */
  public static Split standardSplit() {
    return standardSplit(0.2, 0);
  }

  /**
   * A stratified split of the given test fraction and seed (sklearn-compatible, see {@link
   * Splits}), both sides z-scored with the training statistics; the row indices refer to {@link
   * #load()}.
   */
  public static Split standardSplit(double testFraction, long seed) {
    return Splits.stratifiedStandardized(load(), testFraction, seed);
  }

  private static Dataset read() {
    try (InputStream in = Digits.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing from the classpath");
      }
      return CsvLoader.builder().header(false).labelColumn(-1).numClasses(CLASSES).build()
          .load(in, "digits.csv.gz");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}

package dev.unlearn.spark;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * A labelled data set partitioned across Spark executors as cached {@link RowBlock}s, with its
 * labels (and group ids) on the driver. {@link #index()} is the {@link Dataset} to hand to the
 * library: one row per example whose single feature is the row's id (a row handle), so that
 * forget sets, retain sets and samples are chosen on the driver as usual while the features stay on
 * the executors. {@link DistributedModel} reads the handles.
 *
 * <pre>{@code
 * DistributedData data = DistributedData.of(sc, train, 8);        // or fromBlocks(rdd, classes)
 * DistributedModel model = DistributedModel.of(LogisticRegression.of(64, 10).withL2(1e-3), data);
 * UnlearningResult r = Unlearners.forName("newton").unlearn(
 *     UnlearningRequest.builder(model, theta, data.index()).forgetRows(forget).build());
 * }</pre>
 *
 * <p>Close it to unpersist the blocks.
 */
public final class DistributedData implements AutoCloseable {
  private final JavaRDD<RowBlock> blocks;
  private final int size;
  private final int numFeatures;
  private final int numClasses;
  private final int[] labels;
  private final int[] groups;
  private Dataset index;

  private DistributedData(JavaRDD<RowBlock> blocks, int numFeatures, int numClasses, int[] labels,
      int[] groups) {
    this.blocks = blocks;
    this.size = labels.length;
    this.numFeatures = numFeatures;
    this.numClasses = numClasses;
    this.labels = labels;
    this.groups = groups;
  }

  /**
   * Distributes an in-memory data set over {@code partitions} blocks of consecutive rows (group
   * ids, if any, are kept on the driver). The features are copied; {@code data} is not changed.
   */
  public static DistributedData of(JavaSparkContext sc, Dataset data, int partitions) {
    InvalidInputException.check(sc != null && data != null, "context and data must not be null");
    InvalidInputException.check(partitions >= 1 && partitions <= data.size(),
        "partitions (%d) must be in [1, %d] (the number of rows)", partitions, data.size());
    int n = data.size();
    int d = data.numFeatures();
    double[] x = data.features(DataType.DOUBLE).dup('c').data().asDouble();
    int[] labels = data.labels();
    List<RowBlock> list = new ArrayList<>(partitions);
    for (int b = 0; b < partitions; b++) {
      int from = (int) ((long) n * b / partitions);
      int to = (int) ((long) n * (b + 1) / partitions);
      double[] f = new double[(to - from) * d];
      System.arraycopy(x, from * d, f, 0, f.length);
      int[] y = new int[to - from];
      System.arraycopy(labels, from, y, 0, y.length);
      list.add(new RowBlock(from, d, f, y));
    }
    // Cut the lineage once the blocks are cached: the partitions of a parallelized collection carry
    // their rows, and every task of every job would otherwise ship them from the driver again.
    JavaRDD<RowBlock> rdd = sc.parallelize(list, partitions).persist(StorageLevel.MEMORY_ONLY());
    rdd.rdd().localCheckpoint();
    rdd.count();
    return new DistributedData(rdd, d, data.numClasses(), labels, data.groups().orElse(null));
  }

  /**
   * Wraps blocks made anywhere (read from files on the executors, generated there): together they
   * must hold rows 0 to n &minus; 1 exactly once, all of one width, with finite features and labels in
   * [0, numClasses). The RDD is persisted (memory only; it must not be persisted already) and
   * checked with one job; the labels come to the driver (4 bytes a row). The returned object owns
   * the RDD from then on: {@link #close()} unpersists it. If a check fails it is unpersisted again.
   */
  public static DistributedData fromBlocks(JavaRDD<RowBlock> blocks, int numClasses) {
    InvalidInputException.check(blocks != null, "blocks must not be null");
    InvalidInputException.check(numClasses >= 2, "numClasses (%d) must be >= 2", numClasses);
    JavaRDD<RowBlock> rdd = blocks.persist(StorageLevel.MEMORY_ONLY());
    try {
      return checked(rdd, numClasses);
    } catch (RuntimeException e) {
      rdd.unpersist(false);
      throw e;
    }
  }

  private static DistributedData checked(JavaRDD<RowBlock> rdd, int numClasses) {
    List<Tuple2<int[], int[]>> meta = rdd.map(b -> {
      int bad = -1;
      double[] f = b.features();
      for (int i = 0; i < f.length && bad < 0; i++) {
        if (!Double.isFinite(f[i])) {
          bad = b.start() + i / b.width();
        }
      }
      return new Tuple2<>(new int[] {b.start(), b.width(), bad}, b.labels());
    }).collect();
    List<Tuple2<int[], int[]>> sorted = new ArrayList<>(meta);
    sorted.sort(Comparator.comparingInt(t -> t._1()[0]));
    long n = 0;
    int width = sorted.isEmpty() ? 0 : sorted.get(0)._1()[1];
    for (Tuple2<int[], int[]> t : sorted) {
      InvalidInputException.check(t._1()[0] == n, "blocks must cover the rows 0..n-1 once: a "
          + "block starts at row %d where row %d was expected", t._1()[0], n);
      InvalidInputException.check(t._1()[1] == width, "block at row %d has width %d, not %d",
          t._1()[0], t._1()[1], width);
      InvalidInputException.check(t._1()[2] < 0, "row %d has a feature that is not finite",
          t._1()[2]);
      n += t._2().length;
    }
    InvalidInputException.check(n >= 1 && n <= Integer.MAX_VALUE,
        "rows (%d) must be in [1, %d]", n, Integer.MAX_VALUE);
    int[] labels = new int[(int) n];
    for (Tuple2<int[], int[]> t : sorted) {
      int[] y = t._2();
      for (int i = 0; i < y.length; i++) {
        InvalidInputException.check(y[i] >= 0 && y[i] < numClasses,
            "label of row %d (%d) must be in [0, %d)", t._1()[0] + i, y[i], numClasses);
      }
      System.arraycopy(y, 0, labels, t._1()[0], y.length);
    }
    return new DistributedData(rdd, width, numClasses, labels, null);
  }

  /** The same blocks with group ids (one per row) for group-level forget sets. */
  public DistributedData withGroups(int[] groupIds) {
    InvalidInputException.check(groupIds != null && groupIds.length == size,
        "group ids (%s) must have one entry per row (%d)",
        groupIds == null ? "null" : groupIds.length, size);
    return new DistributedData(blocks, numFeatures, numClasses, labels, groupIds.clone());
  }

  /**
   * The row handles: a {@link Dataset} of n rows whose only feature is the row's id (0..n&minus;1),
   * with the real labels and groups. Made once.
   */
  public synchronized Dataset index() {
    if (index == null) {
      double[] ids = new double[size];
      for (int i = 0; i < size; i++) {
        ids[i] = i;
      }
      var x = Nd4j.create(ids, new long[] {size, 1}, DataType.DOUBLE);
      index = groups == null ? Dataset.of(x, labels, numClasses)
          : Dataset.of(x, labels, numClasses, groups);
    }
    return index;
  }

  /** The cached blocks. */
  public JavaRDD<RowBlock> blocks() {
    return blocks;
  }

  public JavaSparkContext context() {
    return JavaSparkContext.fromSparkContext(blocks.context());
  }

  public int size() {
    return size;
  }

  public int numFeatures() {
    return numFeatures;
  }

  public int numClasses() {
    return numClasses;
  }

  /** The label of row {@code id}. */
  int label(int id) {
    return labels[id];
  }

  /** Unpersists the blocks. */
  @Override
  public void close() {
    blocks.unpersist(false);
  }
}

package dev.unlearn.spark;

import dev.unlearn.api.Capability;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.hessian.unlearner.RemoteRows;
import java.io.Serializable;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link Model} whose data lives in a {@link DistributedData}: every loss, gradient,
 * Hessian-vector and Gauss-Newton product (a vector or a p &times; k block) is one Spark job, a {@code
 * treeAggregate} of per-block sums computed by the wrapped model on the executors (the pattern of
 * MLlib's {@code RDDLossFunction}), with &theta; and the directions broadcast and destroyed after the
 * job. The regulariser is added once, on the driver.
 *
 * <p>Its data sets are row handles ({@link DistributedData#index()} and any subset of it:
 * {@code without}, {@code rows} without repeated rows), so every unlearner, curvature operator and solver that works
 * through {@link Model#at} runs unchanged; the model's {@link #numInputs()} is 1, the handle column.
 * Per-example gradients gather the chosen rows to the driver (meant for the seeded samples of the
 * Fisher methods); logits, probabilities and per-example losses come back as n &times; k or n values.
 *
 * <p>The wrapped model must be {@link Serializable} (the library's {@code LogisticRegression} and
 * {@code Mlp} are); each task gets its own copy.
 */
public final class DistributedModel implements Model, RemoteRows {
  private final Model inner;
  private final Model local;
  private final DistributedData data;
  private final int depth;

  private DistributedModel(Model inner, DistributedData data, int depth) {
    this.inner = inner;
    this.local = inner.withL2(0);
    this.data = data;
    this.depth = depth;
  }

  /** The model over the distributed data, with a tree depth of 2 for the aggregations. */
  public static DistributedModel of(Model model, DistributedData data) {
    return of(model, data, 2);
  }

  /** The model over the distributed data with the given {@code treeAggregate} depth (&ge; 1). */
  public static DistributedModel of(Model model, DistributedData data, int depth) {
    InvalidInputException.check(model != null && data != null, "model and data must not be null");
    InvalidInputException.check(!(model instanceof DistributedModel),
        "model (%s) is already distributed", model.name());
    InvalidInputException.check(model instanceof Serializable,
        "model (%s, %s) must be java.io.Serializable to travel to the executors", model.name(),
        model.getClass().getName());
    InvalidInputException.check(model.numInputs() == data.numFeatures(),
        "data width (%d) must equal the model's inputs (%d)", data.numFeatures(),
        model.numInputs());
    InvalidInputException.check(model.numClasses() == data.numClasses(),
        "data classes (%d) must equal the model's classes (%d)", data.numClasses(),
        model.numClasses());
    InvalidInputException.check(depth >= 1, "depth (%d) must be >= 1", depth);
    return new DistributedModel(model, data, depth);
  }

  /** The wrapped in-memory model. */
  @Override
  public Model local() {
    return inner;
  }

  public DistributedData data() {
    return data;
  }

  @Override
  public String name() {
    return inner.name() + " over spark";
  }

  @Override
  public int numParameters() {
    return inner.numParameters();
  }

  /** 1: the data sets of this model are row handles. */
  @Override
  public int numInputs() {
    return 1;
  }

  @Override
  public int numClasses() {
    return inner.numClasses();
  }

  @Override
  public DataType dataType() {
    return inner.dataType();
  }

  @Override
  public double l2() {
    return inner.l2();
  }

  @Override
  public Model withDataType(DataType type) {
    return new DistributedModel(inner.withDataType(type), data, depth);
  }

  @Override
  public Model withL2(double l2) {
    return new DistributedModel(inner.withL2(l2), data, depth);
  }

  @Override
  public INDArray initialParameters(long seed) {
    return inner.initialParameters(seed);
  }

  @Override
  public Set<Capability> capabilities() {
    return inner.capabilities();
  }

  @Override
  public boolean hasExactHessian() {
    return inner.hasExactHessian();
  }

  @Override
  public ModelPoint at(INDArray theta, Dataset handles) {
    return new DistributedPoint(this, theta, checkedTheta(theta), handles, selection(handles));
  }

  /** &theta; as doubles, checked: length p, every value finite. */
  double[] checkedTheta(INDArray theta) {
    InvalidInputException.check(theta != null && theta.length() == numParameters(),
        "theta (length %s) must have length %d", theta == null ? "null" : theta.length(),
        numParameters());
    double[] t = theta.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    for (int i = 0; i < t.length; i++) {
      InvalidInputException.check(Double.isFinite(t[i]), "theta[%d] (%s) must be finite", i, t[i]);
    }
    return t;
  }

  /** The logits of the rows named by a column of row handles (n &times; 1), n &times; k. */
  @Override
  public INDArray logits(INDArray theta, INDArray handles) {
    InvalidInputException.check(handles != null && handles.rank() == 2 && handles.columns() == 1,
        "features of a distributed model must be one column of row handles, not %s",
        handles == null ? "null" : java.util.Arrays.toString(handles.shape()));
    double[] t = checkedTheta(theta);
    int[] ids = ids(handles);
    Selection sel = Selection.of(ids, data.size());
    return gather(t, sel,
        BlockTasks.PerRow.LOGITS, numClasses());
  }

  Selection selection(Dataset handles) {
    InvalidInputException.check(handles != null, "data must not be null");
    InvalidInputException.check(handles.numFeatures() == 1,
        "data of a distributed model must be row handles (one column, from "
            + "DistributedData.index()), not %d features", handles.numFeatures());
    InvalidInputException.check(handles.numClasses() == numClasses(),
        "data classes (%d) must be %d", handles.numClasses(), numClasses());
    int[] ids = ids(handles.features());
    Selection sel = Selection.of(ids, data.size());
    for (int i = 0; i < ids.length; i++) {
      InvalidInputException.check(handles.label(i) == data.label(ids[i]),
          "row handle %d has label %d but row %d of the distributed data has label %d", i,
          handles.label(i), ids[i], data.label(ids[i]));
    }
    return sel;
  }

  private static int[] ids(INDArray handles) {
    double[] h = handles.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    int[] ids = new int[h.length];
    for (int i = 0; i < h.length; i++) {
      InvalidInputException.check(h[i] == Math.rint(h[i]) && h[i] >= 0 && h[i] <= Integer.MAX_VALUE,
          "row handle %d (%s) must be a row id", i, h[i]);
      ids[i] = (int) h[i];
    }
    return ids;
  }

  // ------------------------------------------------------------------ jobs (run on the driver)

  private JavaSparkContext sc() {
    return data.context();
  }

  private static double[] merge(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  /** One block's contribution to a sum, added into {@code acc} (runs on the executors). */
  @FunctionalInterface
  interface BlockSum extends Serializable {
    double[] add(Model local, RowBlock block, Selection sel, double[] theta, double[] extra,
        double[] acc);
  }

  /**
   * One job: the {@code treeAggregate} of {@code f} over the blocks, with &theta;, the selection and
   * {@code extra} (a direction, logit gradients; may be empty) broadcast and destroyed after it.
   */
  private double[] sum(double[] theta, Selection sel, double[] extra, int length, BlockSum f) {
    JavaSparkContext sc = sc();
    Broadcast<double[]> bt = sc.broadcast(theta);
    Broadcast<double[]> bx = sc.broadcast(extra);
    Broadcast<Selection> bs = sc.broadcast(sel);
    try {
      Model m = local;
      Function2<double[], RowBlock, double[]> seq = (acc, b) -> f.add(m, b, bs.value(),
          bt.value(), bx.value(), acc);
      return data.blocks().treeAggregate(new double[length], seq, DistributedModel::merge, depth);
    } finally {
      bt.destroy();
      bx.destroy();
      bs.destroy();
    }
  }

  /** [&Sigma;&ell;, &Sigma;&nabla;&ell;] over the selection: one job. */
  double[] lossAndGradientSums(double[] theta, Selection sel) {
    int k = numClasses();
    return sum(theta, sel, new double[0], theta.length + 1,
        (m, b, s, t, x, acc) -> BlockTasks.lossAndGradient(m, b, s, t, k, acc));
  }

  /** &Sigma; (per-row curvature) V over the selection, flattened row-major: one job. */
  double[] curvatureSums(double[] theta, Selection sel, double[] v, long[] shape,
      boolean gaussNewton) {
    int k = numClasses();
    return sum(theta, sel, v, v.length,
        (m, b, s, t, x, acc) -> BlockTasks.curvature(m, b, s, t, x, shape, gaussNewton, k, acc));
  }

  /** &Sigma; J<sub>i</sub><sup>T</sup>u<sub>i</sub> over the selection: one job. */
  double[] backpropagateSums(double[] theta, Selection sel, double[] u) {
    int k = numClasses();
    return sum(theta, sel, u, theta.length,
        (m, b, s, t, x, acc) -> BlockTasks.backpropagate(m, b, s, t, x, k, k, acc));
  }

  /** Per-row values (width values each) of the selection, in handle order: one job. */
  INDArray gather(double[] theta, Selection sel, BlockTasks.PerRow what, int width) {
    JavaSparkContext sc = sc();
    Broadcast<double[]> bt = sc.broadcast(theta);
    Broadcast<Selection> bs = sc.broadcast(sel);
    try {
      Model m = local;
      int k = numClasses();
      List<Object[]> parts = data.blocks().map(b -> BlockTasks.rowValues(m, b, bs.value(),
          bt.value(), what, k)).collect();
      long total = (long) sel.size() * width;
      InvalidInputException.check(total <= Integer.MAX_VALUE,
          "%d rows x %d values (%d) must fit in one array (<= %d)", sel.size(), width, total,
          Integer.MAX_VALUE);
      double[] out = new double[(int) total];
      for (Object[] part : parts) {
        int[] pos = (int[]) part[0];
        double[] values = (double[]) part[1];
        for (int r = 0; r < pos.length; r++) {
          System.arraycopy(values, r * width, out, pos[r] * width, width);
        }
      }
      long[] shape = width == 1 && what == BlockTasks.PerRow.LOSSES ? new long[] {sel.size()}
          : new long[] {sel.size(), width};
      DataType type = what == BlockTasks.PerRow.FEATURES ? DataType.DOUBLE : dataType();
      return Nd4j.create(out, shape, DataType.DOUBLE).castTo(type);
    } finally {
      bt.destroy();
      bs.destroy();
    }
  }

  @Override
  public double[] gramWithOnes(Dataset handles) {
    int m = data.numFeatures() + 1;
    return rowSums(selection(handles), null, m * m, BlockTasks.RowSum.GRAM);
  }

  @Override
  public double frobeniusSquaredWithOnes(Dataset handles) {
    return rowSums(selection(handles), null, 1, BlockTasks.RowSum.FROBENIUS)[0];
  }

  @Override
  public double logitNormFourthPowerSum(INDArray parameters, Dataset handles) {
    InvalidInputException.check(parameters != null && parameters.length() == numParameters(),
        "parameters (length %s) must have length %d", parameters == null ? "null"
            : parameters.length(), numParameters());
    return rowSums(selection(handles), parameters.castTo(DataType.DOUBLE).dup('c').data()
        .asDouble(), 1, BlockTasks.RowSum.LOGIT_FOURTH)[0];
  }

  /** A sum over the chosen rows of a per-row quantity of the features: one job. */
  private double[] rowSums(Selection sel, double[] theta, int length, BlockTasks.RowSum what) {
    int k = numClasses();
    return sum(theta == null ? new double[0] : theta, sel, new double[0], length,
        (m, b, s, t, x, acc) -> BlockTasks.rowSum(m, b, s, t, what, k, acc));
  }

  Model localModel() {
    return local;
  }
}

package dev.unlearn.spark;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What runs inside a Spark task: one block's chosen rows as an in-memory {@link Dataset}, the local
 * model evaluated on it, and its results as plain arrays. Nothing here outlives the task.
 */
final class BlockTasks {
  private BlockTasks() {}

  /** The rows of {@code b} that {@code sel} chooses (their offsets within the block). */
  static int[] chosen(RowBlock b, Selection sel) {
    int m = b.rows();
    int[] keep = new int[m];
    int c = 0;
    for (int i = 0; i < m; i++) {
      if (sel.position(b.start() + i) >= 0) {
        keep[c++] = i;
      }
    }
    return java.util.Arrays.copyOf(keep, c);
  }

  /** The chosen rows as a data set (null when none); close it with {@link #release}. */
  static Dataset rows(RowBlock b, int[] keep, int numClasses) {
    if (keep.length == 0) {
      return null;
    }
    int d = b.width();
    double[] f;
    int[] y;
    if (keep.length == b.rows()) { // the whole block: no copy on the heap
      f = b.features();
      y = b.labels();
    } else {
      f = new double[keep.length * d];
      y = new int[keep.length];
      for (int r = 0; r < keep.length; r++) {
        System.arraycopy(b.features(), keep[r] * d, f, r * d, d);
        y[r] = b.labels()[keep[r]];
      }
    }
    // one bulk copy into an uninitialised array (Nd4j.create(double[]) is several times slower)
    INDArray x = Nd4j.createUninitialized(DataType.DOUBLE, keep.length, d);
    x.data().asNioDouble().put(f, 0, keep.length * d);
    Dataset ds = Dataset.of(x, y, numClasses); // copies x
    x.close();
    return ds;
  }

  /**
   * Frees the off-heap copy of a task's rows now rather than at the next garbage collection (ND4J
   * frees off-heap memory only then; a task's rows can be hundreds of megabytes).
   */
  static void release(Dataset ds, DataType type) {
    if (ds == null) {
      return;
    }
    if (type != DataType.DOUBLE) { // the model's own cast copy (made by its point)
      INDArray cast = ds.features(type);
      if (cast.closeable()) {
        cast.close();
      }
    }
    if (ds.features().closeable()) {
      ds.features().close();
    }
  }

  static INDArray array(double[] values, long[] shape, DataType type) {
    return Nd4j.create(values, shape, DataType.DOUBLE).castTo(type);
  }

  static double[] doubles(INDArray a) {
    return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }

  /** Adds {@code m * values} into {@code acc} from {@code offset}. */
  static void addScaled(double[] acc, int offset, double[] values, double m) {
    for (int i = 0; i < values.length; i++) {
      acc[offset + i] += m * values[i];
    }
  }

  /**
   * The block's sums: [&Sigma; &ell;<sub>i</sub>, &Sigma; &nabla;&ell;<sub>i</sub>] over its chosen rows
   * (the local model has &lambda; = 0, so its mean times the row count is the sum).
   */
  static double[] lossAndGradient(Model local, RowBlock b, Selection sel, double[] theta,
      int numClasses, double[] acc) {
    Dataset ds = rows(b, chosen(b, sel), numClasses);
    try {
      if (ds != null) {
        ModelPoint at = local.at(array(theta, new long[] {theta.length}, local.dataType()), ds);
        acc[0] += ds.size() * at.loss();
        addScaled(acc, 1, doubles(at.gradient()), ds.size());
      }
      return acc;
    } finally {
      release(ds, local.dataType());
    }
  }

  /** The block's sum of per-row curvature products with V (Hessian or Gauss-Newton). */
  static double[] curvature(Model local, RowBlock b, Selection sel, double[] theta, double[] v,
      long[] shape, boolean gaussNewton, int numClasses, double[] acc) {
    Dataset ds = rows(b, chosen(b, sel), numClasses);
    try {
      if (ds != null) {
        ModelPoint at = local.at(array(theta, new long[] {theta.length}, local.dataType()), ds);
        INDArray va = array(v, shape, local.dataType());
        INDArray hv = gaussNewton ? at.gaussNewtonVectorProduct(va) : at.hessianVectorProduct(va);
        addScaled(acc, 0, doubles(hv), ds.size());
      }
      return acc;
    } finally {
      release(ds, local.dataType());
    }
  }

  /** The block's sum of vector-Jacobian products for its rows of U (n &times; k, handle order). */
  static double[] backpropagate(Model local, RowBlock b, Selection sel, double[] theta, double[] u,
      int k, int numClasses, double[] acc) {
    int[] keep = chosen(b, sel);
    Dataset ds = rows(b, keep, numClasses);
    try {
      if (ds != null) {
        double[] ub = new double[keep.length * k];
        for (int r = 0; r < keep.length; r++) {
          System.arraycopy(u, sel.position(b.start() + keep[r]) * k, ub, r * k, k);
        }
        ModelPoint at = local.at(array(theta, new long[] {theta.length}, local.dataType()), ds);
        addScaled(acc, 0, doubles(at.backpropagate(array(ub, new long[] {keep.length, k},
            local.dataType()))), 1);
      }
      return acc;
    } finally {
      release(ds, local.dataType());
    }
  }

  /** What {@link #rowValues} returns per row. */
  enum PerRow { LOGITS, PROBABILITIES, LOSSES, FEATURES }

  /**
   * Per-row values of the block's chosen rows with their positions in the handle set: positions
   * first ({@code int[]}), then the row-major values ({@code double[]}).
   */
  static Object[] rowValues(Model local, RowBlock b, Selection sel, double[] theta, PerRow what,
      int numClasses) {
    int[] keep = chosen(b, sel);
    int[] pos = new int[keep.length];
    for (int r = 0; r < keep.length; r++) {
      pos[r] = sel.position(b.start() + keep[r]);
    }
    Dataset ds = rows(b, keep, numClasses);
    if (ds == null) {
      return new Object[] {pos, new double[0]};
    }
    if (what == PerRow.FEATURES) {
      try {
        return new Object[] {pos, doubles(ds.features())};
      } finally {
        release(ds, DataType.DOUBLE);
      }
    }
    try {
      ModelPoint at = local.at(array(theta, new long[] {theta.length}, local.dataType()), ds);
      INDArray out = switch (what) {
        case LOGITS -> at.logits();
        case PROBABILITIES -> at.probabilities();
        default -> at.perExampleLosses();
      };
      return new Object[] {pos, doubles(out)};
    } finally {
      release(ds, local.dataType());
    }
  }

  /** What {@link #rowSum} adds up. */
  enum RowSum { GRAM, FROBENIUS, LOGIT_FOURTH }

  /**
   * Adds the block's [X, 1]<sup>T</sup>[X, 1] (row-major), &Sigma;(1 + &Vert;x&Vert;&sup2;) or
   * &Sigma;&Vert;u<sub>i</sub>&Vert;<sup>4</sup> (u<sub>i</sub> the logits under theta) into {@code acc}.
   */
  static double[] rowSum(Model local, RowBlock b, Selection sel, double[] theta, RowSum what,
      int numClasses, double[] acc) {
    int[] keep = chosen(b, sel);
    if (keep.length == 0) {
      return acc;
    }
    int d = b.width();
    double[] f = b.features();
    switch (what) {
      case GRAM -> {
        int m = d + 1;
        double[] row = new double[m];
        row[d] = 1;
        for (int r : keep) {
          System.arraycopy(f, r * d, row, 0, d);
          for (int i = 0; i < m; i++) {
            double ri = row[i];
            for (int j = 0; j < m; j++) {
              acc[i * m + j] += ri * row[j];
            }
          }
        }
      }
      case FROBENIUS -> {
        for (int r : keep) {
          double s = 1;
          for (int j = 0; j < d; j++) {
            s += f[r * d + j] * f[r * d + j];
          }
          acc[0] += s;
        }
      }
      default -> {
        Dataset ds = rows(b, keep, numClasses);
        try {
          INDArray logits = local.logits(array(theta, new long[] {theta.length},
              local.dataType()), ds.features(local.dataType()));
          acc[0] += dev.unlearn.hessian.unlearner.CertifiedRemoval.logitNormFourthPowerSum(logits);
        } finally {
          release(ds, local.dataType());
        }
      }
    }
    return acc;
  }
}

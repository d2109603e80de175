package dev.unlearn.spark;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link DistributedModel} at one &theta; on one set of row handles. The loss and the gradient come
 * from one job and are kept; logits and probabilities are gathered once and kept; every curvature
 * product is a new job. Safe for use by one thread at a time.
 */
final class DistributedPoint implements ModelPoint {
  private final DistributedModel model;
  private final INDArray theta;
  private final double[] thetaD;
  private final Dataset handles;
  private final Selection sel;
  private final int n;
  private double loss = Double.NaN;
  private INDArray gradient;
  private INDArray logits;
  private INDArray probabilities;

  /** At &theta; (the caller's array) with {@code thetaD} its checked double copy. */
  DistributedPoint(DistributedModel model, INDArray theta, double[] thetaD, Dataset handles,
      Selection sel) {
    this.model = model;
    this.theta = theta;
    this.thetaD = thetaD;
    this.handles = handles;
    this.sel = sel;
    this.n = sel.size();
    InvalidInputException.check(n >= 1, "data must have at least one row");
  }

  @Override
  public Model model() {
    return model;
  }

  @Override
  public INDArray parameters() {
    return theta;
  }

  @Override
  public Dataset data() {
    return handles;
  }

  private void lossAndGradient() {
    if (gradient != null) {
      return;
    }
    double[] s = model.lossAndGradientSums(thetaD, sel);
    double l2 = model.l2();
    double sq = 0;
    double[] g = new double[thetaD.length];
    for (int i = 0; i < g.length; i++) {
      g[i] = s[i + 1] / n + l2 * thetaD[i];
      sq += thetaD[i] * thetaD[i];
    }
    loss = s[0] / n + l2 / 2 * sq;
    gradient = Nd4j.create(g, new long[] {g.length}, DataType.DOUBLE).castTo(model.dataType());
  }

  @Override
  public double loss() {
    lossAndGradient();
    return loss;
  }

  @Override
  public INDArray gradient() {
    lossAndGradient();
    return gradient.dup();
  }

  @Override
  public INDArray logits() {
    if (logits == null) {
      logits = model.gather(thetaD, sel, BlockTasks.PerRow.LOGITS, model.numClasses());
    }
    return logits.dup();
  }

  @Override
  public INDArray probabilities() {
    if (probabilities == null) {
      probabilities = model.gather(thetaD, sel, BlockTasks.PerRow.PROBABILITIES,
          model.numClasses());
    }
    return probabilities.dup();
  }

  @Override
  public INDArray hessianVectorProduct(INDArray v) {
    return curvature(v, false);
  }

  @Override
  public INDArray gaussNewtonVectorProduct(INDArray v) {
    return curvature(v, true);
  }

  private INDArray curvature(INDArray v, boolean gaussNewton) {
    int p = thetaD.length;
    InvalidInputException.check(v != null && v.rank() >= 1 && v.rank() <= 2 && v.shape()[0] == p,
        "v (shape %s) must be p (%d), p x 1 or p x k", v == null ? "null"
            : java.util.Arrays.toString(v.shape()), p);
    double[] vd = v.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[] s = model.curvatureSums(thetaD, sel, vd, v.shape(), gaussNewton);
    double l2 = model.l2();
    for (int i = 0; i < s.length; i++) {
      s[i] = s[i] / n + l2 * vd[i];
    }
    return Nd4j.create(s, v.shape(), DataType.DOUBLE).castTo(model.dataType());
  }

  /** Gathers the chosen rows' features to the driver: meant for samples (n &times; p must fit). */
  @Override
  public INDArray perExampleGradients() {
    long entries = (long) n * thetaD.length;
    InvalidInputException.check(entries <= Integer.MAX_VALUE,
        "per-example gradients of %d rows x %d parameters (%d) must fit in one array; take a "
            + "sample of the rows", n, thetaD.length, entries);
    INDArray x = model.gather(thetaD, sel, BlockTasks.PerRow.FEATURES,
        model.data().numFeatures());
    Dataset rows = Dataset.of(x, handles.labels(), handles.numClasses());
    return model.localModel().at(theta, rows).perExampleGradients();
  }

  @Override
  public INDArray perExampleLosses() {
    return model.gather(thetaD, sel, BlockTasks.PerRow.LOSSES, 1);
  }

  @Override
  public INDArray backpropagate(INDArray logitGradients) {
    int k = model.numClasses();
    InvalidInputException.check(logitGradients != null && logitGradients.rank() == 2
        && logitGradients.rows() == n && logitGradients.columns() == k,
        "logit gradients (shape %s) must be %d x %d", logitGradients == null ? "null"
            : java.util.Arrays.toString(logitGradients.shape()), n, k);
    double[] u = logitGradients.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[] s = model.backpropagateSums(thetaD, sel, u);
    return Nd4j.create(s, new long[] {s.length}, DataType.DOUBLE).castTo(model.dataType());
  }
}

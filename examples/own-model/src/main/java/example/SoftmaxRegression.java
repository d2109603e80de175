package example;

import dev.unlearn.api.Dataset;
import dev.unlearn.core.model.AbstractModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Route 2: your own model from the minimal base class. Two methods (the logits and the gradient of
 * the mean cross-entropy) and, optionally, a third (the vector-Jacobian product through the
 * logits) that unlocks backpropagate and Gauss-Newton products. Here: softmax regression with
 * theta = [W (d x k, row-major), b (k)].
 */
public final class SoftmaxRegression extends AbstractModel {
  private final int d;
  private final int k;

  public SoftmaxRegression(int d, int k) {
    super("softmax-regression(" + d + "->" + k + ")", d * k + k, d, k, DataType.DOUBLE, 0.0);
    this.d = d;
    this.k = k;
  }

  private INDArray w(INDArray theta) {
    return theta.get(NDArrayIndex.interval(0, d * k)).reshape(d, k);
  }

  private INDArray b(INDArray theta) {
    return theta.get(NDArrayIndex.interval(d * k, d * k + k));
  }

  @Override
  public INDArray logits(INDArray theta, INDArray x) {
    return x.mmul(w(theta)).addiRowVector(b(theta));
  }

  @Override
  protected INDArray crossEntropyGradient(INDArray theta, Dataset batch) {
    INDArray x = batch.features(DataType.DOUBLE);
    INDArray p = Transforms.softmax(logits(theta, x), true);
    INDArray u = p.subi(batch.oneHotLabels(DataType.DOUBLE)).divi(batch.size());
    return logitVjp(theta, x, u);
  }

  @Override
  protected INDArray logitVjp(INDArray theta, INDArray x, INDArray u) {
    INDArray gw = x.transpose().mmul(u).reshape(d * k);
    return org.nd4j.linalg.factory.Nd4j.concat(0, gw, u.sum(0));
  }
}

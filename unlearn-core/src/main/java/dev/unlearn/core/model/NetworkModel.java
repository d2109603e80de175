package dev.unlearn.core.model;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@link LogisticRegression} and {@link Mlp} share: a {@link Network}, &lambda; and the data
 * type, and every {@link Model} method that needs nothing else. The convenience methods reuse one
 * point per thread (for the last data set used; {@link Network#scratchPoint}), so their out forms
 * allocate nothing in steady state.
 */
abstract class NetworkModel implements Model {
  final Network net;
  final double l2;
  final DataType type;

  NetworkModel(Network net, double l2, DataType type) {
    Network.checkL2(l2);
    Network.checkType(type);
    this.net = net;
    this.l2 = l2;
    this.type = type;
  }

  @Override
  public int numParameters() {
    return net.numParameters;
  }

  @Override
  public int numInputs() {
    return net.sizes[0];
  }

  @Override
  public int numClasses() {
    return net.sizes[net.layers];
  }

  @Override
  public DataType dataType() {
    return type;
  }

  @Override
  public double l2() {
    return l2;
  }

  /**
   * nn.Linear-style U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for every weight and bias, drawn in float64
   * from a {@link java.util.SplittableRandom} and then cast.
   */
  @Override
  public INDArray initialParameters(long seed) {
    return net.initialParameters(seed, type);
  }

  @Override
  public ModelPoint at(INDArray theta, Dataset data) {
    return new NetworkPoint(this, net, theta, data, l2);
  }

  @Override
  public INDArray gradient(INDArray theta, Dataset data, INDArray out) {
    return net.scratchPoint(this, theta, data, l2).gradient(out);
  }

  @Override
  public INDArray gradient(INDArray theta, Dataset data) {
    return net.scratchPoint(this, theta, data, l2).gradient();
  }

  @Override
  public INDArray hessianVectorProduct(INDArray theta, Dataset data, INDArray v, INDArray out) {
    return net.scratchPoint(this, theta, data, l2).hessianVectorProduct(v, out);
  }

  @Override
  public INDArray hessianVectorProduct(INDArray theta, Dataset data, INDArray v) {
    return net.scratchPoint(this, theta, data, l2).hessianVectorProduct(v);
  }

  @Override
  public INDArray logits(INDArray theta, INDArray features) {
    return NetworkPoint.logits(net, theta, features, type);
  }

  @Override
  public String toString() {
    return name() + "[l2=" + l2 + ", " + type + "]";
  }
}

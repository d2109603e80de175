package dev.unlearn.hessian.testing;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A stub {@link ModelPoint} whose Hessian and Gauss-Newton matrix are given dense matrices; it counts
 * the product calls and the vectors they carried. Only the curvature methods are implemented.
 */
public final class MatrixModelPoint implements ModelPoint {
  private final INDArray hessian;
  private final INDArray gaussNewton;
  private final Model model;
  public int hessianCalls;
  public int gaussNewtonCalls;

  public MatrixModelPoint(double[][] hessian, double[][] gaussNewton) {
    this.hessian = Dense.nd(hessian);
    this.gaussNewton = Dense.nd(gaussNewton);
    int p = hessian.length;
    this.model = new Model() {
      @Override public String name() { return "matrix(" + p + ")"; }
      @Override public int numParameters() { return p; }
      @Override public int numInputs() { return 1; }
      @Override public int numClasses() { return 2; }
      @Override public DataType dataType() { return DataType.DOUBLE; }
      @Override public double l2() { return 0; }
      @Override public Model withDataType(DataType type) { throw new UnsupportedOperationException(); }
      @Override public Model withL2(double l2) { throw new UnsupportedOperationException(); }
      @Override public INDArray initialParameters(long seed) { throw new UnsupportedOperationException(); }
      @Override public ModelPoint at(INDArray theta, Dataset data) { throw new UnsupportedOperationException(); }
      @Override public INDArray logits(INDArray theta, INDArray features) { throw new UnsupportedOperationException(); }
    };
  }

  @Override public Model model() { return model; }
  @Override public INDArray parameters() { throw new UnsupportedOperationException(); }
  @Override public Dataset data() { throw new UnsupportedOperationException(); }
  @Override public INDArray logits() { throw new UnsupportedOperationException(); }
  @Override public INDArray probabilities() { throw new UnsupportedOperationException(); }
  @Override public double loss() { throw new UnsupportedOperationException(); }
  @Override public INDArray gradient() { throw new UnsupportedOperationException(); }

  @Override
  public INDArray hessianVectorProduct(INDArray v) {
    hessianCalls++;
    return v.rank() == 1 ? hessian.mmul(v.reshape(v.length(), 1)).reshape(v.length()) : hessian.mmul(v);
  }

  @Override
  public INDArray gaussNewtonVectorProduct(INDArray v) {
    gaussNewtonCalls++;
    return v.rank() == 1 ? gaussNewton.mmul(v.reshape(v.length(), 1)).reshape(v.length()) : gaussNewton.mmul(v);
  }

  @Override public INDArray perExampleGradients() { throw new UnsupportedOperationException(); }
  @Override public INDArray perExampleLosses() { throw new UnsupportedOperationException(); }
  @Override public INDArray backpropagate(INDArray u) { throw new UnsupportedOperationException(); }
}

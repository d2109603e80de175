package dev.unlearn.core.model;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * An adapter that gives any {@link Model} with a gradient an <b>approximate</b> Hessian-vector
 * product: the central difference of gradients
 * {@code Hv ≈ (∇L(θ + εv) − ∇L(θ − εv)) / (2ε)} with {@code ε = cbrt(machine eps) max(1, ‖θ‖) / ‖v‖}
 * (machine eps of the model's data type), which balances truncation and rounding error: expect a
 * relative error near 1e-10 in float64 and near 1e-3 in float32, not the exactness of the wrapped
 * models' own R-operator. {@link #hasExactHessian()} is false so that callers can tell.
 *
 * <pre>{@code
 * Model approx = new FiniteDifferenceHvpModel(model);
 * }</pre>
 *
 * <p>Each product costs two gradient evaluations (each with a forward pass) per column of v. Every
 * other method, the Gauss-Newton product included, is the wrapped model's. A zero column of v
 * gives &lambda; times zero, that is zero; a non-finite v gives non-finite products.
 */
public final class FiniteDifferenceHvpModel implements Model {
  private final Model inner;

  /** Wraps {@code model}. */
  public FiniteDifferenceHvpModel(Model model) {
    InvalidInputException.check(model != null, "model (null) must be a model");
    this.inner = model;
  }

  /** The wrapped model. */
  public Model wrapped() {
    return inner;
  }

  @Override
  public String name() {
    return "fd-hvp(" + inner.name() + ")";
  }

  @Override
  public int numParameters() {
    return inner.numParameters();
  }

  @Override
  public int numInputs() {
    return inner.numInputs();
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
    return new FiniteDifferenceHvpModel(inner.withDataType(type));
  }

  @Override
  public Model withL2(double l2) {
    return new FiniteDifferenceHvpModel(inner.withL2(l2));
  }

  @Override
  public INDArray initialParameters(long seed) {
    return inner.initialParameters(seed);
  }

  @Override
  public boolean hasExactHessian() {
    return false;
  }

  /** The wrapped model's capabilities, with an approximate (not exact) Hessian-vector product. */
  @Override
  public java.util.Set<dev.unlearn.api.Capability> capabilities() {
    java.util.Set<dev.unlearn.api.Capability> c =
        java.util.EnumSet.noneOf(dev.unlearn.api.Capability.class);
    c.addAll(inner.capabilities());
    c.remove(dev.unlearn.api.Capability.EXACT_HESSIAN);
    c.add(dev.unlearn.api.Capability.HESSIAN_VECTOR_PRODUCT);
    return c;
  }

  @Override
  public ModelPoint at(INDArray theta, Dataset data) {
    return new Point(inner.at(theta, data));
  }

  @Override
  public INDArray logits(INDArray theta, INDArray features) {
    return inner.logits(theta, features);
  }

  /**
   * The central difference {@code (f(θ + εv) − f(θ − εv)) / (2ε)} of a vector function f of θ, for
   * v of shape p, p &times; 1 or p &times; r (column by column; the result has v's row count and
   * f's output length as rows), with {@code ε = cbrt(machine eps) max(1, ‖θ‖) / ‖v‖}; a zero column
   * gives a zero column. Shared by this adapter (f = the gradient: an HVP) and {@link
   * AbstractModel} (f = the logits: a Jacobian-vector product).
   */
  static INDArray centralDifference(int p, DataType type, INDArray theta, INDArray v,
      java.util.function.Function<INDArray, INDArray> f) {
    boolean ok = v != null && (v.rank() == 1 && v.length() == p || v.rank() == 2 && v.rows() == p);
    InvalidInputException.check(ok, "v shape (%s) must be [%d] or [%d, r]",
        v == null ? "null" : Arrays.toString(v.shape()), p, p);
    double base = Math.cbrt(machineEpsilon(type)) * Math.max(1.0, theta.norm2Number().doubleValue());
    INDArray block = v.rank() == 1 ? v.reshape(new long[] {p, 1}) : v;
    INDArray out = null;
    for (int j = 0; j < block.columns(); j++) {
      INDArray col = block.get(NDArrayIndex.all(), NDArrayIndex.point(j)).reshape(new long[] {p})
          .castTo(type);
      double norm = col.norm2Number().doubleValue();
      INDArray d;
      if (norm == 0) {
        d = null;
      } else {
        double eps = base / norm;
        INDArray fp = f.apply(theta.add(col.mul(eps)));
        INDArray fm = f.apply(theta.sub(col.mul(eps)));
        d = fp.subi(fm).divi(2 * eps).reshape(new long[] {fp.length()});
      }
      if (out == null) {
        long m = d != null ? d.length() : f.apply(theta).length();
        out = Nd4j.create(type, m, block.columns());
      }
      if (d != null) {
        out.get(NDArrayIndex.all(), NDArrayIndex.point(j)).assign(d);
      }
    }
    return v.rank() == 1 ? out.reshape(new long[] {out.rows()}) : out;
  }

  /** Machine epsilon of a data type (2^-52 for float64, 2^-23 for float32). */
  static double machineEpsilon(DataType type) {
    return type == DataType.FLOAT ? Math.ulp(1.0f) : Math.ulp(1.0);
  }

  private final class Point implements ModelPoint {
    private final ModelPoint at;

    Point(ModelPoint at) {
      this.at = at;
    }

    @Override
    public Model model() {
      return FiniteDifferenceHvpModel.this;
    }

    @Override
    public INDArray parameters() {
      return at.parameters();
    }

    @Override
    public Dataset data() {
      return at.data();
    }

    @Override
    public INDArray logits() {
      return at.logits();
    }

    @Override
    public INDArray probabilities() {
      return at.probabilities();
    }

    @Override
    public double loss() {
      return at.loss();
    }

    @Override
    public INDArray gradient() {
      return at.gradient();
    }

    @Override
    public INDArray gradient(INDArray out) {
      return at.gradient(out); // the wrapped point's own out form, if it has one
    }

    @Override
    public INDArray hessianVectorProduct(INDArray v) {
      return centralDifference(numParameters(), dataType(), at.parameters(), v,
          t -> inner.gradient(t, at.data()));
    }

    @Override
    public INDArray gaussNewtonVectorProduct(INDArray v) {
      return at.gaussNewtonVectorProduct(v);
    }

    @Override
    public INDArray perExampleGradients() {
      return at.perExampleGradients();
    }

    @Override
    public INDArray perExampleLosses() {
      return at.perExampleLosses();
    }

    @Override
    public INDArray backpropagate(INDArray logitGradients) {
      return at.backpropagate(logitGradients);
    }
  }
}

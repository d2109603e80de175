package dev.unlearn.core.model;

import dev.unlearn.api.Capability;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The shortest way to bring your own model: implement {@link #logits} and {@link
 * #crossEntropyGradient} (two methods), and the rest of {@link Model} and {@link ModelPoint} is
 * derived:
 *
 * <ul>
 *   <li>the loss (mean softmax cross-entropy of the logits plus (&lambda;/2)&Vert;&theta;&Vert;&sup2;),
 *       the gradient (yours plus &lambda;&theta;), probabilities and per-example losses, from the
 *       logits;
 *   <li>per-example gradients, exactly, by calling {@link #crossEntropyGradient} on each row;
 *   <li>Hessian-vector products by central differences of the gradient (<b>approximate</b>: about
 *       1e-9 relative in float64; {@link #hasExactHessian()} is false);
 *   <li>if you also override {@link #logitVjp} (the vector-Jacobian product through the logits):
 *       {@code backpropagate} exactly, and the Gauss-Newton product as a finite-difference
 *       Jacobian-vector product of the logits followed by your exact VJP.
 * </ul>
 *
 * <pre>{@code
 * final class MyModel extends AbstractModel {
 *   MyModel() { super("my-model", p, d, k, DataType.DOUBLE, 0.0); }
 *   public INDArray logits(INDArray theta, INDArray x) { ... }               // n x k
 *   protected INDArray crossEntropyGradient(INDArray theta, Dataset batch) { ... } // length p
 * }
 * Model m = new MyModel().withL2(1e-3);
 * }</pre>
 *
 * <p>{@link #capabilities()} says what that gives: {@link Capability#HESSIAN_VECTOR_PRODUCT} and
 * {@link Capability#PER_EXAMPLE_GRADIENTS} always, {@link Capability#BACKPROPAGATE} and {@link
 * Capability#GAUSS_NEWTON} when {@link #logitVjp} is overridden, and the one data type given to the
 * constructor. Unlearners that need more ({@code certified-removal} needs an exact Hessian) are
 * skipped with the reason. {@link #withL2} returns a copy (a shallow clone: keep the fields of a
 * subclass immutable); {@link #withDataType} accepts only the constructor's type unless a subclass
 * overrides it and {@link #capabilities()}. Your two methods must be thread-safe and must not
 * modify their arguments, as the {@link Model} contract says.
 */
public abstract class AbstractModel implements Model, Cloneable {
  private final String name;
  private final int numParameters;
  private final int numInputs;
  private final int numClasses;
  private final DataType dataType;
  private double l2;

  /**
   * A model family with p parameters, d inputs and k classes, computing in {@code dataType}
   * (FLOAT or DOUBLE), with L2 coefficient &lambda; &ge; 0.
   */
  protected AbstractModel(String name, int numParameters, int numInputs, int numClasses,
      DataType dataType, double l2) {
    InvalidInputException.check(name != null && !name.isBlank(), "name must not be blank");
    InvalidInputException.check(numParameters >= 1, "parameters (%d) must be >= 1", numParameters);
    InvalidInputException.check(numInputs >= 1, "inputs (%d) must be >= 1", numInputs);
    InvalidInputException.check(numClasses >= 2, "classes (%d) must be >= 2", numClasses);
    InvalidInputException.check(dataType == DataType.FLOAT || dataType == DataType.DOUBLE,
        "data type (%s) must be FLOAT or DOUBLE", dataType);
    checkL2(l2);
    this.name = name;
    this.numParameters = numParameters;
    this.numInputs = numInputs;
    this.numClasses = numClasses;
    this.dataType = dataType;
    this.l2 = l2;
  }

  /** The logits, n &times; k, of features n &times; d (in the model's data type), at &theta;. */
  @Override
  public abstract INDArray logits(INDArray theta, INDArray features);

  /**
   * The gradient with respect to &theta; of the <b>mean</b> softmax cross-entropy of the batch's
   * logits (no L2 term), a rank-1 array of length p.
   */
  protected abstract INDArray crossEntropyGradient(INDArray theta, Dataset batch);

  /**
   * Optional: the gradient with respect to &theta; of &Sigma;<sub>i</sub> &lang;u<sub>i</sub>,
   * f(x<sub>i</sub>; &theta;)&rang; for an n &times; k matrix U (no 1/n, no L2): what {@link
   * ModelPoint#backpropagate} returns. Override it to offer {@link Capability#BACKPROPAGATE} and
   * {@link Capability#GAUSS_NEWTON}; the default is not offered.
   */
  protected INDArray logitVjp(INDArray theta, INDArray features, INDArray logitGradients) {
    throw new InvalidInputException(name + " does not offer BACKPROPAGATE: override logitVjp");
  }

  /** Whether {@link #logitVjp} is overridden by the class of this model. */
  private boolean hasVjp() {
    for (Class<?> c = getClass(); c != AbstractModel.class; c = c.getSuperclass()) {
      try {
        c.getDeclaredMethod("logitVjp", INDArray.class, INDArray.class, INDArray.class);
        return true;
      } catch (NoSuchMethodException e) {
        // look further up
      }
    }
    return false;
  }

  @Override
  public Set<Capability> capabilities() {
    Set<Capability> c = EnumSet.of(Capability.HESSIAN_VECTOR_PRODUCT,
        Capability.PER_EXAMPLE_GRADIENTS,
        dataType == DataType.DOUBLE ? Capability.FLOAT64 : Capability.FLOAT32);
    if (hasVjp()) {
      c.add(Capability.BACKPROPAGATE);
      c.add(Capability.GAUSS_NEWTON);
    }
    return c;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int numParameters() {
    return numParameters;
  }

  @Override
  public int numInputs() {
    return numInputs;
  }

  @Override
  public int numClasses() {
    return numClasses;
  }

  @Override
  public DataType dataType() {
    return dataType;
  }

  @Override
  public double l2() {
    return l2;
  }

  @Override
  public Model withDataType(DataType type) {
    InvalidInputException.check(type == dataType,
        "data type (%s) must be %s: %s computes in %s only (override withDataType and "
            + "capabilities to offer another)", type, dataType, name, dataType);
    return this;
  }

  @Override
  public Model withL2(double l2) {
    checkL2(l2);
    try {
      AbstractModel copy = (AbstractModel) clone();
      copy.l2 = l2;
      return copy;
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e); // cannot happen: this class is Cloneable
    }
  }

  /** Gaussian N(0, 0.1&sup2;) entries from a seeded generator; override for a better scheme. */
  @Override
  public INDArray initialParameters(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] t = new double[numParameters];
    for (int i = 0; i < t.length; i++) {
      t[i] = 0.1 * gaussian(r);
    }
    return Nd4j.createFromArray(t).castTo(dataType);
  }

  @Override
  public ModelPoint at(INDArray theta, Dataset data) {
    checkTheta(theta);
    InvalidInputException.check(data != null, "data must not be null");
    InvalidInputException.check(data.numFeatures() == numInputs,
        "data width (%d) must be %d for %s", data.numFeatures(), numInputs, name);
    InvalidInputException.check(data.numClasses() == numClasses,
        "data classes (%d) must be %d for %s", data.numClasses(), numClasses, name);
    return new Point(theta, data);
  }

  private void checkTheta(INDArray theta) {
    InvalidInputException.check(theta != null && theta.rank() == 1
        && theta.length() == numParameters, "theta shape (%s) must be [%d]",
        theta == null ? "null" : Arrays.toString(theta.shape()), numParameters);
  }

  private static void checkL2(double l2) {
    InvalidInputException.check(Double.isFinite(l2) && l2 >= 0, "l2 (%s) must be finite and >= 0",
        l2);
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  @Override
  public String toString() {
    return name + "[p=" + numParameters + ", l2=" + l2 + ", " + dataType + "]";
  }

  /** The derived point: logits computed once, everything else from them and the two methods. */
  private final class Point implements ModelPoint {
    private final INDArray theta;
    private final Dataset data;
    private INDArray logits;
    private double[][] probs;

    Point(INDArray theta, Dataset data) {
      this.theta = theta;
      this.data = data;
    }

    @Override
    public Model model() {
      return AbstractModel.this;
    }

    @Override
    public INDArray parameters() {
      return theta;
    }

    @Override
    public Dataset data() {
      return data;
    }

    @Override
    public INDArray logits() {
      if (logits == null) {
        logits = AbstractModel.this.logits(theta, data.features(dataType));
        InvalidInputException.check(logits != null && logits.rank() == 2
            && logits.rows() == data.size() && logits.columns() == numClasses,
            "%s.logits returned shape %s; it must be [%d, %d]", name,
            logits == null ? "null" : Arrays.toString(logits.shape()), data.size(), numClasses);
      }
      return logits.dup();
    }

    private double[][] probs() {
      if (probs == null) {
        probs = Logits.softmax(Logits.rows(logits()));
      }
      return probs;
    }

    @Override
    public INDArray probabilities() {
      return Nd4j.createFromArray(probs()).castTo(dataType);
    }

    private double[] losses() {
      return Logits.crossEntropy(Logits.rows(logits()), data.labels());
    }

    @Override
    public double loss() {
      double mean = 0;
      for (double v : losses()) {
        mean += v;
      }
      mean /= data.size();
      double sq = theta.castTo(DataType.DOUBLE).norm2Number().doubleValue();
      return mean + 0.5 * l2 * sq * sq;
    }

    @Override
    public INDArray perExampleLosses() {
      return Nd4j.createFromArray(losses()).castTo(dataType);
    }

    private INDArray dataGradient(INDArray at, Dataset batch) {
      INDArray g = crossEntropyGradient(at, batch);
      InvalidInputException.check(g != null && g.length() == numParameters,
          "%s.crossEntropyGradient returned shape %s; it must be [%d]", name,
          g == null ? "null" : Arrays.toString(g.shape()), numParameters);
      return g.reshape(new long[] {numParameters}).castTo(dataType);
    }

    @Override
    public INDArray gradient() {
      return gradientAt(theta);
    }

    private INDArray gradientAt(INDArray t) {
      INDArray g = dataGradient(t, data).dup();
      return l2 == 0 ? g : g.addi(t.castTo(dataType).mul(l2));
    }

    @Override
    public INDArray hessianVectorProduct(INDArray v) {
      return FiniteDifferenceHvpModel.centralDifference(numParameters, dataType, theta, v,
          this::gradientAt);
    }

    @Override
    public INDArray gaussNewtonVectorProduct(INDArray v) {
      checkVjp();
      // Jv by central differences of the logits (n*k per column), then U = H_CE (Jv) / n row by
      // row, then the exact VJP, plus l2 v.
      INDArray jv = FiniteDifferenceHvpModel.centralDifference(numParameters, dataType, theta, v,
          t -> AbstractModel.this.logits(t, data.features(dataType)).dup('c')
              .reshape(new long[] {(long) data.size() * numClasses}));
      INDArray block = jv.rank() == 1 ? jv.reshape(new long[] {jv.length(), 1}) : jv;
      double[][] p = probs();
      int n = data.size();
      int k = numClasses;
      INDArray out = Nd4j.create(dataType, numParameters, block.columns());
      INDArray features = data.features(dataType);
      for (int j = 0; j < block.columns(); j++) {
        double[] col = block.getColumn(j).castTo(DataType.DOUBLE).toDoubleVector();
        double[][] u = new double[n][k];
        for (int i = 0; i < n; i++) {
          double pu = 0;
          for (int c = 0; c < k; c++) {
            pu += p[i][c] * col[i * k + c];
          }
          for (int c = 0; c < k; c++) {
            u[i][c] = p[i][c] * (col[i * k + c] - pu) / n;
          }
        }
        INDArray g = logitVjp(theta, features, Nd4j.createFromArray(u).castTo(dataType));
        out.getColumn(j).assign(g.reshape(new long[] {numParameters}));
      }
      INDArray vb = v.rank() == 1 ? v.reshape(new long[] {numParameters, 1}) : v;
      if (l2 != 0) {
        out.addi(vb.castTo(dataType).mul(l2));
      }
      return v.rank() == 1 ? out.reshape(new long[] {numParameters}) : out;
    }

    @Override
    public INDArray perExampleGradients() {
      INDArray out = Nd4j.create(dataType, data.size(), numParameters);
      for (int i = 0; i < data.size(); i++) {
        out.getRow(i).assign(dataGradient(theta, data.rows(new int[] {i})));
      }
      return out;
    }

    @Override
    public INDArray backpropagate(INDArray logitGradients) {
      checkVjp();
      InvalidInputException.check(logitGradients != null && logitGradients.rank() == 2
          && logitGradients.rows() == data.size() && logitGradients.columns() == numClasses,
          "logit gradients shape (%s) must be [%d, %d]", logitGradients == null ? "null"
              : Arrays.toString(logitGradients.shape()), data.size(), numClasses);
      INDArray g = logitVjp(theta, data.features(dataType), logitGradients.castTo(dataType));
      return g.reshape(new long[] {numParameters}).castTo(dataType).dup();
    }

    private void checkVjp() {
      InvalidInputException.check(hasVjp(), "%s does not offer BACKPROPAGATE or GAUSS_NEWTON "
          + "(capabilities %s): override logitVjp", name, capabilities());
    }
  }
}

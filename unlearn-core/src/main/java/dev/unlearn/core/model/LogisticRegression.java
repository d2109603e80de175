package dev.unlearn.core.model;

import dev.unlearn.api.InvalidInputException;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Multinomial logistic (softmax) regression, d inputs to k classes, with exact derivatives of the
 * L2-regularised mean cross-entropy; convex for &lambda; &gt; 0, the setting of certified removal
 * (Guo et al. 2020).
 *
 * <p>&theta; = {@code [W (d x k, row-major), b (k)]}, p = d k + k, the layout of PyTorch's
 * {@code X @ W + b}. The Hessian-vector product is {@code X^T[(diag s - s s^T)(X V + v_b)]/n + λ v},
 * computed row-block-wise with two matrix products; here the Gauss-Newton product equals it.
 *
 * <pre>{@code
 * Model m = LogisticRegression.of(64, 10).withL2(1e-3);
 * ModelPoint at = m.at(m.initialParameters(0), data);
 * }</pre>
 *
 * <p>Immutable and thread-safe. Non-finite &theta; is rejected by {@link #at} (data sets are finite
 * by construction); a non-finite direction v gives non-finite products.
 */
public final class LogisticRegression extends NetworkModel implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private LogisticRegression(int numInputs, int numClasses, double l2, DataType type) {
    super(network(numInputs, numClasses), l2, type);
  }

  private static Network network(int numInputs, int numClasses) {
    InvalidInputException.check(numInputs >= 1, "numInputs (%d) must be >= 1", numInputs);
    InvalidInputException.check(numClasses >= 2, "numClasses (%d) must be >= 2", numClasses);
    return new Network(new int[] {numInputs, numClasses}, null);
  }

  /** Softmax regression from numInputs features to numClasses classes, float64, &lambda; = 0. */
  public static LogisticRegression of(int numInputs, int numClasses) {
    return new LogisticRegression(numInputs, numClasses, 0.0, DataType.DOUBLE);
  }

  @Override
  public String name() {
    return String.format(Locale.ROOT, "logistic(%d->%d)", numInputs(), numClasses());
  }

  @Override
  public LogisticRegression withDataType(DataType newType) {
    return new LogisticRegression(numInputs(), numClasses(), l2, newType);
  }

  @Override
  public LogisticRegression withL2(double newL2) {
    return new LogisticRegression(numInputs(), numClasses(), newL2, type);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogisticRegression && ((LogisticRegression) o).numInputs() == numInputs()
        && ((LogisticRegression) o).numClasses() == numClasses()
        && Double.compare(((LogisticRegression) o).l2, l2) == 0
        && ((LogisticRegression) o).type == type;
  }

  @Override
  public int hashCode() {
    return Objects.hash(numInputs(), numClasses(), l2, type);
  }

  private Object writeReplace() {
    return new ModelProxy(new int[] {numInputs(), numClasses()}, null, l2, type);
  }

  private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException(
        "LogisticRegression is read through its serialisation proxy");
  }
}

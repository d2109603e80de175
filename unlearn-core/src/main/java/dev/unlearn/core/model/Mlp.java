package dev.unlearn.core.model;

import dev.unlearn.api.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A multilayer perceptron of any depth (layer sizes d, h1, ..., k; at least one hidden layer) with a
 * softmax cross-entropy head and exact derivatives: gradient by backpropagation, exact
 * Hessian-vector products by Pearlmutter's R-operator (1994), Gauss-Newton products (Schraudolph
 * 2002), all as whole-batch matrix products.
 *
 * <p>&theta; = {@code [W1 (d x h1, row-major), b1, W2 (h1 x h2), b2, ..., WL, bL]}, the layer l
 * computing {@code A_l = f(A_{l-1} W_l + b_l)} with the {@link Activation} f on hidden layers and
 * none on the output. {@link Activation#GELU} is the tanh approximation.
 *
 * <pre>{@code
 * Model m = Mlp.of(Activation.TANH, 64, 128, 10).withL2(1e-3);
 * INDArray hv = m.at(theta, data).hessianVectorProduct(v);
 * }</pre>
 *
 * <p>Immutable and thread-safe. Non-finite &theta; is rejected by {@link #at}; a non-finite
 * direction v gives non-finite products.
 */
public final class Mlp extends NetworkModel implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private Mlp(int[] sizes, Activation activation, double l2, DataType type) {
    super(network(sizes, activation), l2, type);
  }

  private static Network network(int[] sizes, Activation activation) {
    Network.checkSizes(sizes, 2);
    InvalidInputException.check(activation != null, "activation (null) must be one of %s",
        Arrays.toString(Activation.values()));
    return new Network(sizes, activation);
  }

  /**
   * An MLP with the given layer sizes {@code d, h1, ..., k} (at least three entries, k &ge; 2),
   * float64, &lambda; = 0.
   */
  public static Mlp of(Activation activation, int... layerSizes) {
    return new Mlp(layerSizes, activation, 0.0, DataType.DOUBLE);
  }

  /** The layer sizes d, h1, ..., k (a copy). */
  public int[] layerSizes() {
    return net.sizes.clone();
  }

  Network net() {
    return net;
  }

  public Activation activation() {
    return net.activation;
  }

  @Override
  public String name() {
    return String.format(Locale.ROOT, "mlp(%s, %s)", net.sizeString("-"),
        net.activation.name().toLowerCase(Locale.ROOT));
  }

  @Override
  public Mlp withDataType(DataType newType) {
    return new Mlp(net.sizes, net.activation, l2, newType);
  }

  @Override
  public Mlp withL2(double newL2) {
    return new Mlp(net.sizes, net.activation, newL2, type);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Mlp && Arrays.equals(((Mlp) o).net.sizes, net.sizes)
        && ((Mlp) o).net.activation == net.activation && Double.compare(((Mlp) o).l2, l2) == 0
        && ((Mlp) o).type == type;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(net.sizes), net.activation, l2, type);
  }

  /** Serialised as its sizes, activation, &lambda; and type ({@link ModelProxy}), never its buffers. */
  private Object writeReplace() {
    return new ModelProxy(net.sizes.clone(), net.activation, l2, type);
  }

  private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("Mlp is read through its serialisation proxy");
  }
}

package dev.unlearn.api;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A parametric classifier family with all parameters in one flat vector &theta; of length p, and
 * exact derivatives of its training objective
 *
 * <pre>
 *   L(&theta;) = (1/n) &Sigma;_i CE(f(x_i; &theta;), y_i) + (&lambda;/2) &Vert;&theta;&Vert;&sup2;
 * </pre>
 *
 * over a batch of n rows, where CE is the softmax cross-entropy and &lambda; = {@link #l2()} penalises
 * every parameter. The objective is a <b>mean</b> over the rows, never a sum.
 *
 * <p>&theta; is a rank-1 array of length p in {@link #dataType()}. Blocks of k vectors are p &times;
 * k matrices. Implementations are immutable and thread-safe; no method mutates its arguments
 * other than the {@code out} array it is given.
 *
 * <pre>{@code
 * ModelPoint at = model.at(theta, data);   // one forward pass, cached
 * INDArray g = at.gradient();
 * INDArray hv = at.hessianVectorProduct(v); // exact, Pearlmutter's R-operator
 * }</pre>
 */
public interface Model {

  /** A short description, for example {@code "logistic(64->10)"} or {@code "mlp(64-128-10, tanh)"}. */
  String name();

  /** The number of parameters p. */
  int numParameters();

  /** The number of input features d. */
  int numInputs();

  /** The number of classes k. */
  int numClasses();

  /** The data type of parameters and arithmetic (float64 by default). */
  DataType dataType();

  /** The L2 coefficient &lambda; of the objective. */
  double l2();

  /** The same family in another data type. */
  Model withDataType(DataType type);

  /** The same family with another L2 coefficient. */
  Model withL2(double l2);

  /**
   * A seeded random initialisation (for example Glorot or the nn.Linear default), as a new array.
   * The same seed gives the same vector.
   */
  INDArray initialParameters(long seed);

  /**
   * Evaluates the model at &theta; on a batch: one forward pass, whose activations are kept so that
   * the gradient and any number of Hessian-vector products reuse it.
   *
   * @throws InvalidInputException if &theta; has the wrong length or the data the wrong width or
   *     number of classes
   */
  ModelPoint at(INDArray theta, Dataset data);

  /** The logits, n &times; k, of the given features (n &times; d). */
  INDArray logits(INDArray theta, INDArray features);

  /**
   * What this model can compute (see {@link Capability}). The default, every capability, suits a
   * model that implements every method of this interface and of {@link ModelPoint} exactly, as the
   * library's own families do. A model that offers less must say so here: unlearners that need a
   * missing capability are then skipped with the reason instead of failing at run time.
   */
  default java.util.Set<Capability> capabilities() {
    return java.util.EnumSet.allOf(Capability.class);
  }

  /**
   * Whether {@link ModelPoint#hessianVectorProduct} is exact (false for finite-difference adapters):
   * whether {@link #capabilities()} contains {@link Capability#EXACT_HESSIAN}.
   */
  default boolean hasExactHessian() {
    return capabilities().contains(Capability.EXACT_HESSIAN);
  }

  /** The objective L(&theta;) on the batch. */
  default double loss(INDArray theta, Dataset data) {
    return at(theta, data).loss();
  }

  /** &nabla;L(&theta;) on the batch, a new rank-1 array. */
  default INDArray gradient(INDArray theta, Dataset data) {
    return at(theta, data).gradient();
  }

  /**
   * Writes &nabla;L(&theta;) on the batch into {@code out} (rank 1, length p) and returns it. The
   * built-in models reuse one point per thread here (for the last data set used), so that a
   * training loop that calls this with the same batch allocates nothing in steady state; the result is always
   * computed afresh from &theta; (never a cached answer for an earlier &theta;).
   *
   * @param out rank 1, length p, any data type (the result is cast to it); it may be theta itself
   * @throws InvalidInputException if out is not of shape [p] (the message names both shapes)
   */
  default INDArray gradient(INDArray theta, Dataset data, INDArray out) {
    return at(theta, data).gradient(out);
  }

  /** &nabla;&sup2;L(&theta;) v for a vector (p) or a block (p &times; k); same shape as v. */
  default INDArray hessianVectorProduct(INDArray theta, Dataset data, INDArray v) {
    return at(theta, data).hessianVectorProduct(v);
  }

  /**
   * Writes &nabla;&sup2;L(&theta;) v into {@code out} (the shape of v) and returns it; allocation-free
   * in steady state for the built-in models, like {@link #gradient(INDArray, Dataset, INDArray)}.
   *
   * @param out the shape of v, any data type; it may be v itself
   * @throws InvalidInputException if out's shape is not v's (the message names both shapes)
   */
  default INDArray hessianVectorProduct(INDArray theta, Dataset data, INDArray v, INDArray out) {
    return at(theta, data).hessianVectorProduct(v, out);
  }

  /** The generalised Gauss-Newton product G v (positive semi-definite); same shape as v. */
  default INDArray gaussNewtonVectorProduct(INDArray theta, Dataset data, INDArray v) {
    return at(theta, data).gaussNewtonVectorProduct(v);
  }

  /** The gradients of the per-example losses (no regularisation), n &times; p. */
  default INDArray perExampleGradients(INDArray theta, Dataset data) {
    return at(theta, data).perExampleGradients();
  }

  /** The per-example cross-entropy losses (no regularisation), length n. */
  default INDArray perExampleLosses(INDArray theta, Dataset data) {
    return at(theta, data).perExampleLosses();
  }
}

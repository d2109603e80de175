package dev.unlearn.api;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link Model} evaluated at one &theta; on one batch, with its forward pass cached: the analogue
 * of a retained autograd graph. Everything it returns is a new array unless the method takes an
 * {@code out} argument. Safe for use by one thread at a time.
 */
public interface ModelPoint {

  Model model();

  /** The parameters this point was evaluated at (the caller's array; not copied, not mutated). */
  INDArray parameters();

  Dataset data();

  /** The logits, n &times; k. */
  INDArray logits();

  /** Softmax probabilities, n &times; k. */
  INDArray probabilities();

  /** The objective: mean cross-entropy plus (&lambda;/2)&Vert;&theta;&Vert;&sup2;. */
  double loss();

  /** &nabla;L(&theta;), a new rank-1 array of length p. */
  INDArray gradient();

  /**
   * Writes &nabla;L(&theta;) into {@code out} (rank 1, length p; cast to its data type) and returns it:
   * the form for loops that must not allocate.
   *
   * @throws InvalidInputException if out is not of shape [p] (the message names both shapes)
   */
  default INDArray gradient(INDArray out) {
    int p = model().numParameters();
    if (out == null || out.rank() != 1 || out.length() != p) { // the message only on failure
      throw new InvalidInputException(String.format(java.util.Locale.ROOT,
          "out shape (%s) must be [%d]",
          out == null ? "null" : java.util.Arrays.toString(out.shape()), p));
    }
    return out.assign(gradient());
  }

  /**
   * The exact Hessian-vector product &nabla;&sup2;L(&theta;) v (including &lambda; v), for v of shape p
   * (rank 1), p &times; 1 or p &times; k; the result has the shape of v.
   */
  INDArray hessianVectorProduct(INDArray v);

  /**
   * Writes &nabla;&sup2;L(&theta;) v into {@code out} (same shape as v, any data type; it may be v)
   * and returns it.
   *
   * @throws InvalidInputException if out's shape is not v's
   */
  default INDArray hessianVectorProduct(INDArray v, INDArray out) {
    checkOut(v, out);
    return out.assign(hessianVectorProduct(v));
  }

  /**
   * The generalised Gauss-Newton product (J<sup>T</sup> H<sub>CE</sub> J / n + &lambda; I) v: the
   * Hessian with the second-order terms of the network dropped; positive semi-definite.
   */
  INDArray gaussNewtonVectorProduct(INDArray v);

  /** Writes the Gauss-Newton product into {@code out} and returns it. */
  default INDArray gaussNewtonVectorProduct(INDArray v, INDArray out) {
    checkOut(v, out);
    return out.assign(gaussNewtonVectorProduct(v));
  }

  /** Refuses an out whose shape is not v's (the message only on failure). */
  private static void checkOut(INDArray v, INDArray out) {
    if (v == null || out == null || !java.util.Arrays.equals(v.shape(), out.shape())) {
      throw new InvalidInputException(String.format(java.util.Locale.ROOT,
          "out shape (%s) must equal v shape (%s)",
          out == null ? "null" : java.util.Arrays.toString(out.shape()),
          v == null ? "null" : java.util.Arrays.toString(v.shape())));
    }
  }

  /**
   * The gradients of the per-example cross-entropy losses, n &times; p, without regularisation:
   * their row mean plus &lambda;&theta; is {@link #gradient()}.
   */
  INDArray perExampleGradients();

  /** The per-example cross-entropy losses, length n, without regularisation. */
  INDArray perExampleLosses();

  /**
   * The vector-Jacobian product through the logits: the gradient with respect to &theta; of
   * &Sigma;<sub>i</sub> &lang;u<sub>i</sub>, f(x<sub>i</sub>; &theta;)&rang; for an n &times; k matrix U
   * of logit gradients (no 1/n, no regularisation). With U = (P &minus; Y)/n it is the gradient of the
   * mean cross-entropy; with U = (Q &minus; P)/n, for teacher probabilities P, it is the gradient of the
   * mean KL(P &Vert; softmax(f)) (distillation, soft labels). Returns a new rank-1 array of length p.
   */
  INDArray backpropagate(INDArray logitGradients);
}

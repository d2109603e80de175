package dev.unlearn.api;

/**
 * What a {@link Model} can compute, beyond logits, the loss and its gradient (which every model
 * offers). A model lists its capabilities in {@link Model#capabilities()}; an unlearner lists what
 * it needs in {@link Unlearner#requirements}; the registry, the harness and the scoreboard skip a
 * pair whose needs are not met, with the reason ({@link Unlearner#unsupportedReason}).
 *
 * <table>
 * <caption>Capabilities and the methods they make available</caption>
 * <tr><th>capability</th><th>offers</th></tr>
 * <tr><td>{@link #HESSIAN_VECTOR_PRODUCT}</td><td>{@link ModelPoint#hessianVectorProduct}, exact or
 *     approximate</td></tr>
 * <tr><td>{@link #EXACT_HESSIAN}</td><td>that product is exact (an R-operator, not finite
 *     differences); {@link Model#hasExactHessian()}</td></tr>
 * <tr><td>{@link #GAUSS_NEWTON}</td><td>{@link ModelPoint#gaussNewtonVectorProduct}</td></tr>
 * <tr><td>{@link #PER_EXAMPLE_GRADIENTS}</td><td>{@link ModelPoint#perExampleGradients}</td></tr>
 * <tr><td>{@link #BACKPROPAGATE}</td><td>{@link ModelPoint#backpropagate}, the vector-Jacobian product
 *     through the logits</td></tr>
 * <tr><td>{@link #FLOAT32}, {@link #FLOAT64}</td><td>{@link Model#withDataType} to that type</td></tr>
 * </table>
 */
public enum Capability {
  HESSIAN_VECTOR_PRODUCT,
  EXACT_HESSIAN,
  GAUSS_NEWTON,
  PER_EXAMPLE_GRADIENTS,
  BACKPROPAGATE,
  FLOAT32,
  FLOAT64
}

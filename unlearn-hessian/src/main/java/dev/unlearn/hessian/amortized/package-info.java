/**
 * Amortised deletion: a curvature inverse of a trained model prepared once ({@link
 * dev.unlearn.hessian.amortized.AmortizedDeleter#prepare}) and reused across a stream of deletion
 * requests, so that each request costs one forget-set gradient and one apply. May use the JDK,
 * {@code nd4j-api}, {@code dev.unlearn.api} and the other {@code dev.unlearn.hessian} packages.
 */
package dev.unlearn.hessian.amortized;

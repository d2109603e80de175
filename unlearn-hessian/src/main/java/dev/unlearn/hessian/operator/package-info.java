/**
 * Linear operators over parameter space, all of one shape ({@link
 * dev.unlearn.hessian.operator.CurvatureOperator}: dimension, data type, symmetry, {@code apply} to a
 * vector or a p &times; k block, a matvec counter): the exact Hessian and the Gauss-Newton matrix of
 * a {@link dev.unlearn.api.ModelPoint}, the empirical Fisher from per-example gradients, diagonal,
 * low-rank and dense matrices, and their damped, scaled and summed forms; {@link
 * dev.unlearn.hessian.operator.Operators} builds them. May use the JDK, {@code nd4j-api},
 * {@code dev.unlearn.api} and {@code dev.unlearn.hessian.internal}.
 */
package dev.unlearn.hessian.operator;

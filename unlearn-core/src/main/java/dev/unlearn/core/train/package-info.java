/**
 * Training: full-batch L-BFGS with a strong-Wolfe line search (to a gradient-norm tolerance, for
 * near-exact optima of convex models) and minibatch Adam / SGD in a seeded shuffled order
 * ({@link dev.unlearn.core.train.Trainer}). Optimiser state lives in plain {@code double[]} so that
 * a given seed and thread count gives bitwise the same parameters. Uses the API only.
 */
package dev.unlearn.core.train;

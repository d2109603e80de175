/**
 * Inverse curvature-vector products: iterative solvers (conjugate gradient with an optional
 * {@link dev.unlearn.hessian.solve.Preconditioner} and many right-hand sides, Nyström-preconditioned
 * CG, LiSSA) returning immutable {@link dev.unlearn.hessian.solve.SolverResult}s and failing with
 * typed {@link dev.unlearn.api.NonConvergenceException}s, never a silent iteration-limit exit; and
 * {@link dev.unlearn.hessian.solve.PreparedInverse}s factorised once and applied to many right-hand
 * sides (low-rank Woodbury, exact Fisher Woodbury, dense Cholesky) for amortised deletion.
 * {@link dev.unlearn.hessian.solve.Solvers} is the entry point. May use the JDK, {@code nd4j-api},
 * {@code dev.unlearn.api} and the other {@code dev.unlearn.hessian} packages.
 */
package dev.unlearn.hessian.solve;

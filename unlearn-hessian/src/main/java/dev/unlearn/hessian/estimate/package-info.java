/**
 * Seeded randomized estimators over {@link dev.unlearn.hessian.operator.CurvatureOperator}s, each
 * returning an immutable record with the estimate, its spread (standard error or residual norm)
 * and the matvecs it used: Hutchinson trace and diagonal, Hutch++ trace, power iteration, Lanczos
 * with full reorthogonalisation for the top eigenpairs, and the randomized Nyström low-rank
 * approximation of a PSD operator. May use the JDK, {@code nd4j-api}, {@code dev.unlearn.api},
 * {@code dev.unlearn.hessian.operator} and {@code dev.unlearn.hessian.internal}.
 */
package dev.unlearn.hessian.estimate;

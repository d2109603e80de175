/**
 * Implementation details of the curvature toolkit, not a public API: argument checks, level-1
 * vector kernels that accumulate in double, probe generation from seeded
 * {@link java.util.SplittableRandom}s, and small dense factorizations (Cholesky, blocked triangular
 * solves, QR, the symmetric tridiagonal QL eigensolver, one-sided Jacobi SVD) written on plain
 * {@code double[]} or on ND4J BLAS/LAPACK calls. May use the JDK, {@code nd4j-api} and
 * {@code dev.unlearn.api}; nothing else.
 */
package dev.unlearn.hessian.internal;

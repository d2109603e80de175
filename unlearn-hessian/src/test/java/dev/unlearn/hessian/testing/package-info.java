/**
 * Test fixtures of the curvature toolkit: independent dense oracles in plain Java (Gaussian
 * elimination, cyclic Jacobi eigenvalues, random orthogonal matrices, SPD matrices with a chosen
 * spectrum) and a stub {@link dev.unlearn.api.ModelPoint} whose curvature is a known matrix. Uses
 * JUnit 5, AssertJ and ND4J only for conversions.
 */
package dev.unlearn.hessian.testing;

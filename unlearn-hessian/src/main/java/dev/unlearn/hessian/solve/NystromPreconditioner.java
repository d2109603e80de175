package dev.unlearn.hessian.solve;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.estimate.NystromApproximation;
import dev.unlearn.hessian.internal.Checks;
import dev.unlearn.hessian.internal.Vectors;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Nyström preconditioner for A + &mu;I (Frangella, Tropp, Udell 2021, eq. 5.3): from
 * A &asymp; U&Lambda;U<sup>T</sup>,
 * P<sup>-1</sup> = (&lambda;<sub>&ell;</sub> + &mu;) U(&Lambda; + &mu;I)<sup>-1</sup>U<sup>T</sup> + (I &minus;
 * UU<sup>T</sup>). With &ell; past the effective dimension the preconditioned condition number is
 * O(1). One application: two gemv and an &ell;-vector scaling, into preallocated buffers. Safe for
 * one thread at a time.
 */
public final class NystromPreconditioner implements Preconditioner {
  private final INDArray basis; // p x l
  private final INDArray coefficients; // l x 1: (lambda_l + mu)/(lambda_i + mu) - 1
  private final INDArray scratch; // l x 1

  /**
   * @param approximation the sketch of A (not of A + &mu;I)
   * @param mu the damping &mu; &gt; 0 of the system A + &mu;I
   */
  public NystromPreconditioner(NystromApproximation approximation, double mu) {
    InvalidInputException.check(approximation != null, "approximation must not be null");
    Checks.positive(mu, "mu");
    this.basis = approximation.basis();
    double[] lambda = approximation.eigenvalues();
    double smallest = lambda[lambda.length - 1];
    double[] c = new double[lambda.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = (smallest + mu) / (lambda[i] + mu) - 1.0;
    }
    this.coefficients = Nd4j.create(c, new long[] {c.length, 1}, 'f').castTo(basis.dataType());
    this.scratch = Nd4j.create(basis.dataType(), new long[] {c.length, 1}, 'f');
  }

  @Override
  public int dimension() {
    return basis.rows();
  }

  @Override
  public void apply(INDArray r, INDArray z) {
    Nd4j.gemm(basis, r, scratch, true, false, 1.0, 0.0);
    scratch.muli(coefficients);
    Vectors.copy(r, z);
    Nd4j.gemm(basis, scratch, z, false, false, 1.0, 1.0);
  }
}

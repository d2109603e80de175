package dev.unlearn.hessian.solve;

import dev.unlearn.api.RunMonitor;
import dev.unlearn.hessian.internal.Checks;
import dev.unlearn.hessian.internal.Factorizations;
import dev.unlearn.hessian.operator.AbstractCurvatureOperator;
import dev.unlearn.hessian.operator.CurvatureOperator;
import dev.unlearn.hessian.operator.EmpiricalFisherOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The exact inverse of the damped empirical Fisher F = &lambda;I + (1/m)G<sup>T</sup>G by Woodbury
 * (Gu et al. 2024, Fisher Removal): F<sup>-1</sup>x = &lambda;<sup>-1</sup>[x &minus;
 * G<sup>T</sup>(m&lambda;I + GG<sup>T</sup>)<sup>-1</sup>Gx]. Preparation (once) forms K = m&lambda;I +
 * GG<sup>T</sup>, factorises K = LL<sup>T</sup> (Cholesky) and stores M = L<sup>-1</sup>G (m &times; p),
 * O(m&sup2;p); each application is then F<sup>-1</sup>x = &lambda;<sup>-1</sup>(x &minus;
 * M<sup>T</sup>Mx), two gemms, O(m p k), for any number of right-hand sides. When m &ge; p it
 * factorises the p &times; p matrix F itself instead. Work is in float64; the stored factor has the
 * operator's data type. Requires &lambda; &gt; 0. Safe for one thread at a time.
 */
public final class FisherWoodburyInverse extends AbstractCurvatureOperator implements PreparedInverse {
  private final EmpiricalFisherOperator forward;
  private final double damping;
  private final INDArray factor; // m x p: L^-1 G  (or p x p: L^-1 of F when m >= p)
  private final boolean lowRank;
  private INDArray scratch;

  FisherWoodburyInverse(EmpiricalFisherOperator fisher) {
    super(fisher.dimension(), fisher.dataType());
    Checks.positive(fisher.damping(), "damping");
    this.forward = fisher;
    this.damping = fisher.damping();
    int m = fisher.numExamples();
    int p = fisher.dimension();
    INDArray g = fisher.gradients().castTo(DataType.DOUBLE);
    this.lowRank = m < p;
    if (lowRank) {
      INDArray k = Nd4j.create(DataType.DOUBLE, new long[] {m, m}, 'f');
      Nd4j.gemm(g, g, k, false, true, 1.0, 0.0);
      k.addi(Nd4j.eye(m).castTo(DataType.DOUBLE).muli(m * damping));
      RunMonitor.checkInterrupted();
      INDArray l = Factorizations.cholesky(k, "m lambda I + G G^T");
      this.factor = Factorizations.lowerSolve(l, g).castTo(dataType()).dup('f');
    } else {
      INDArray f = Nd4j.create(DataType.DOUBLE, new long[] {p, p}, 'f');
      Nd4j.gemm(g, g, f, true, false, 1.0 / m, 0.0);
      f.addi(Nd4j.eye(p).castTo(DataType.DOUBLE).muli(damping));
      RunMonitor.checkInterrupted();
      INDArray l = Factorizations.cholesky(f, "the Fisher matrix");
      this.factor = Factorizations.lowerSolve(l, Nd4j.eye(p).castTo(DataType.DOUBLE))
          .castTo(dataType()).dup('f');
    }
  }

  @Override
  public CurvatureOperator forward() {
    return forward;
  }

  @Override
  protected void applyBlock(INDArray v, INDArray out) {
    int k = v.columns();
    if (scratch == null || scratch.columns() != k) {
      scratch = Nd4j.create(dataType(), new long[] {factor.rows(), k}, 'f');
    }
    Nd4j.gemm(factor, v, scratch, false, false, 1.0, 0.0);
    if (lowRank) {
      out.assign(v);
      Nd4j.gemm(factor, scratch, out, true, false, -1.0 / damping, 1.0 / damping);
    } else {
      Nd4j.gemm(factor, scratch, out, true, false, 1.0, 0.0);
    }
  }

  @Override
  public String toString() {
    return "FisherWoodbury(m=" + forward.numExamples() + ", p=" + dimension() + ")";
  }
}

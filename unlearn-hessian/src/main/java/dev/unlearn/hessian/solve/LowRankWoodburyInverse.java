package dev.unlearn.hessian.solve;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.internal.Checks;
import dev.unlearn.hessian.operator.AbstractCurvatureOperator;
import dev.unlearn.hessian.operator.CurvatureOperator;
import dev.unlearn.hessian.operator.LowRankOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The exact inverse of a damped low-rank matrix by the Woodbury identity, for U with orthonormal
 * columns: (U&Lambda;U<sup>T</sup> + &delta;I)<sup>-1</sup> = U(&Lambda; + &delta;I)<sup>-1</sup>U<sup>T</sup>
 * + (I &minus; UU<sup>T</sup>)/&delta;. Two gemms per application, O(p r k). U's orthonormality is
 * checked at construction (|U<sup>T</sup>U &minus; I| &le; 1e-8, 1e-4 in float32), as is &lambda;<sub>i</sub>
 * + &delta; &gt; 0 and &delta; &gt; 0. Safe for one thread at a time.
 */
public final class LowRankWoodburyInverse extends AbstractCurvatureOperator implements PreparedInverse {
  private final CurvatureOperator forward;
  private final INDArray basis; // p x r
  private final INDArray coefficients; // r x 1: 1/(lambda+delta) - 1/delta
  private final double delta;
  private INDArray scratch;

  LowRankWoodburyInverse(LowRankOperator lowRank, double delta) {
    super(lowRank.dimension(), lowRank.dataType());
    Checks.positive(delta, "delta");
    this.basis = lowRank.basis().dup('f');
    INDArray gram = basis.castTo(DataType.DOUBLE).transpose().mmul(basis.castTo(DataType.DOUBLE));
    double err = gram.subi(Nd4j.eye(lowRank.rank()).castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    double limit = lowRank.dataType() == DataType.DOUBLE ? 1e-8 : 1e-4;
    InvalidInputException.check(err <= limit,
        "basis orthonormality error (%s) must be <= %s (U^T U = I is required)", err, limit);
    double[] lambda = lowRank.eigenvalues().toDoubleVector();
    double[] c = new double[lambda.length];
    for (int i = 0; i < c.length; i++) {
      InvalidInputException.check(lambda[i] + delta > 0,
          "eigenvalue %d + delta (%s) must be > 0", i, lambda[i] + delta);
      c[i] = 1.0 / (lambda[i] + delta) - 1.0 / delta;
    }
    this.coefficients = Nd4j.create(c, new long[] {c.length, 1}, 'f').castTo(lowRank.dataType());
    this.delta = delta;
    this.forward = lowRank.damped(delta);
  }

  @Override
  public CurvatureOperator forward() {
    return forward;
  }

  @Override
  protected void applyBlock(INDArray v, INDArray out) {
    int k = v.columns();
    if (scratch == null || scratch.columns() != k) {
      scratch = Nd4j.create(dataType(), new long[] {basis.columns(), k}, 'f');
    }
    Nd4j.gemm(basis, v, scratch, true, false, 1.0, 0.0);
    scratch.muliColumnVector(coefficients);
    out.assign(v).muli(1.0 / delta);
    Nd4j.gemm(basis, scratch, out, false, false, 1.0, 1.0);
  }

  @Override
  public String toString() {
    return "LowRankWoodbury(p=" + dimension() + ", r=" + basis.columns() + ", delta=" + delta + ")";
  }
}

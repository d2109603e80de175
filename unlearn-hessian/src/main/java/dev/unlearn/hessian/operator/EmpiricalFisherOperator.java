package dev.unlearn.hessian.operator;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The damped empirical Fisher F = &lambda; I + (1/m) G<sup>T</sup> G from m per-example gradients
 * G (m &times; p), held in low-rank form: one product costs two gemms, O(m p k), and F is never
 * formed. Note the <b>mean</b> (1/m), not the sum, matching the mean objective of {@link
 * dev.unlearn.api.Model} (Gu et al. 2024, Fisher Removal).
 *
 * <p>The operator keeps a reference to G (which can be large): callers must not modify it
 * afterwards. G must be finite (checked once); an empty G is rejected. Safe for one thread at a
 * time (it keeps an m &times; k scratch buffer).
 */
public final class EmpiricalFisherOperator extends AbstractCurvatureOperator {
  private final INDArray gradients;
  private final double damping;
  private INDArray scratch;

  EmpiricalFisherOperator(INDArray gradients, double damping) {
    super(checkedColumns(gradients), gradients.dataType());
    Checks.nonNegative(damping, "damping");
    Checks.allFinite(gradients, "gradients");
    this.gradients = gradients;
    this.damping = damping;
  }

  private static int checkedColumns(INDArray g) {
    InvalidInputException.check(g != null, "gradients must not be null");
    InvalidInputException.check(g.rank() == 2, "gradients rank (%d) must be 2 (m x p)", g.rank());
    InvalidInputException.check(g.rows() >= 1, "gradients rows (%d) must be >= 1", g.rows());
    return g.columns();
  }

  /** The per-example gradients G, m &times; p (the caller's array; do not modify). */
  public INDArray gradients() {
    return gradients;
  }

  /** The number of examples m. */
  public int numExamples() {
    return gradients.rows();
  }

  /** The damping &lambda;. */
  public double damping() {
    return damping;
  }

  @Override
  protected void applyBlock(INDArray v, INDArray out) {
    int k = v.columns();
    if (scratch == null || scratch.columns() != k) {
      scratch = Nd4j.create(dataType(), new long[] {numExamples(), k}, 'f');
    }
    Nd4j.gemm(gradients, v, scratch, false, false, 1.0, 0.0);
    out.assign(v);
    if (damping != 1.0) {
      out.muli(damping);
    }
    Nd4j.gemm(gradients, scratch, out, true, false, 1.0 / numExamples(), 1.0);
  }

  @Override
  public String toString() {
    return "EmpiricalFisher(m=" + numExamples() + ", p=" + dimension() + ", damping=" + damping + ")";
  }
}

package dev.unlearn.hessian.operator;

import dev.unlearn.api.Cost;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An operator A that counts its products on a run's {@link Cost.Meter} and reports each one to the
 * meter's {@link dev.unlearn.api.RunMonitor} (phase {@code "curvature-products"}, the product count,
 * no loss) before it is computed: an interrupt ends the
 * product with {@link dev.unlearn.api.UnlearningInterruptedException}, a spent budget or a stop
 * request with {@link dev.unlearn.api.RunStoppedException}. Every solver, sketch and eigensolver
 * here is a sequence of products, so wrapping the operator bounds all of them without changing
 * their signatures. The products themselves are A's; thread safety is that of A and the monitor.
 */
public final class MonitoredOperator extends AbstractCurvatureOperator {
  private final CurvatureOperator inner;
  private final Cost.Meter meter;

  MonitoredOperator(CurvatureOperator inner, Cost.Meter meter) {
    super(Operators.requireOperator(inner, "inner").dimension(), inner.dataType());
    dev.unlearn.api.InvalidInputException.check(meter != null, "meter must not be null");
    this.inner = inner;
    this.meter = meter;
  }

  public CurvatureOperator inner() {
    return inner;
  }

  @Override
  public boolean isSymmetric() {
    return inner.isSymmetric();
  }

  @Override
  protected void applyBlock(INDArray v, INDArray out) {
    // one report per product: the listener sees the solver's progress and may stop it
    if (meter.monitor().report("curvature-products", matvecs() + 1, Double.NaN)) {
      throw new dev.unlearn.api.RunStoppedException(meter.monitor().termination());
    }
    inner.apply(v, out);
    meter.hvps(v.columns());
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}

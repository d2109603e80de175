package dev.unlearn.hessian.operator;

import dev.unlearn.api.Cost;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An operator A that counts its products on a run's {@link Cost.Meter} and checks the meter's
 * {@link dev.unlearn.api.RunMonitor} before every product: an interrupt ends the
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
    meter.monitor().stopIfAsked();
    inner.apply(v, out);
    meter.hvps(v.columns());
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}

package dev.unlearn.hessian.solve;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.estimate.Eigenpair;
import dev.unlearn.hessian.estimate.PowerIteration;
import dev.unlearn.hessian.internal.Checks;
import dev.unlearn.hessian.internal.Vectors;
import dev.unlearn.hessian.operator.CurvatureOperator;
import java.util.Arrays;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * LiSSA (Agarwal, Bullins, Hazan 2017; as used for influence functions by Koh &amp; Liang 2017): the
 * stochastic Neumann series x<sub>0</sub> = b, x<sub>j</sub> = b + x<sub>j-1</sub> &minus;
 * A<sub>j</sub> x<sub>j-1</sub> / s, whose limit x / s is A<sup>-1</sup> b when every step's
 * operator A<sub>j</sub> (for example a minibatch Hessian) is positive definite with
 * &lambda;<sub>max</sub> &lt; 2s. The update b &minus; A<sub>j</sub>(x<sub>j-1</sub>/s) is exactly the
 * residual of the current answer on that step's operator, so the residual history costs nothing
 * extra (for a stochastic A<sub>j</sub> it is the minibatch residual). One matvec per step, no
 * allocation inside the loop.
 *
 * <p>Divergence is detected when &Vert;x<sub>j</sub>&Vert; exceeds {@code divergenceFactor} &middot;
 * (j + 1) &middot; &Vert;b&Vert;, the bound that holds whenever &Vert;I &minus; A/s&Vert; &le; 1
 * ({@link LissaDivergenceException}); a budget spent above tolerance throws {@link
 * IterationLimitException}. NaN or infinity in b is rejected.
 */
public final class Lissa {
  private Lissa() {}

  /**
   * LiSSA settings.
   *
   * @param scale s &gt; 0, above half the largest eigenvalue of every step's operator (see {@link
   *     #scaleFor})
   * @param maxSteps at least 1
   * @param tolerance relative (step) residual target in (0, 1)
   * @param divergenceFactor &ge; 1, slack of the divergence bound (2 by default)
   */
  public record Options(double scale, int maxSteps, double tolerance, double divergenceFactor) {
    public Options {
      Checks.positive(scale, "scale");
      InvalidInputException.check(maxSteps >= 1, "maxSteps (%d) must be >= 1", maxSteps);
      InvalidInputException.check(tolerance > 0 && tolerance < 1, "tolerance (%s) must be in (0, 1)", tolerance);
      InvalidInputException.check(divergenceFactor >= 1 && Double.isFinite(divergenceFactor),
          "divergenceFactor (%s) must be >= 1", divergenceFactor);
    }

    public static Options of(double scale, int maxSteps, double tolerance) {
      return new Options(scale, maxSteps, tolerance, 2.0);
    }
  }

  /**
   * A scale from a power-iteration estimate of the top eigenvalue: {@code margin} &times;
   * |&lambda;&#770;<sub>max</sub>| (margin &ge; 1; 1.1 is a good default). Costs up to 100 matvecs.
   */
  public static double scaleFor(CurvatureOperator a, double margin, long seed) {
    InvalidInputException.check(margin >= 1 && Double.isFinite(margin), "margin (%s) must be >= 1", margin);
    Eigenpair top = PowerIteration.largest(a, 100, 1e-3, seed);
    double s = margin * Math.abs(top.value());
    InvalidInputException.check(s > 0 && Double.isFinite(s), "estimated top eigenvalue (%s) must be > 0", top.value());
    return s;
  }

  /** LiSSA with one fixed operator (deterministic; the residual history is the true residual). */
  public static SolverResult solve(CurvatureOperator a, INDArray b, Options options) {
    InvalidInputException.check(a != null, "operator must not be null");
    return solve(step -> a, a.dimension(), b, options);
  }

  /**
   * LiSSA with an operator per step (step = 1, 2, ...), for example the Hessian of a fresh minibatch.
   *
   * @param dimension p, which every step's operator must have
   */
  public static SolverResult solve(IntFunction<? extends CurvatureOperator> operatorForStep,
      int dimension, INDArray b, Options options) {
    long start = System.nanoTime();
    InvalidInputException.check(operatorForStep != null, "operatorForStep must not be null");
    InvalidInputException.check(options != null, "options must not be null");
    InvalidInputException.check(b != null, "b must not be null");
    int p = dimension;
    Checks.columns(b, p, b.dataType(), "b");
    InvalidInputException.check(b.length() == p, "b length (%d) must be %d", b.length(), p);
    Checks.floatingType(b.dataType(), "b");
    INDArray rhs = Vectors.column(b.dataType(), p);
    rhs.assign(b.reshape(p, 1));
    double bn = Vectors.norm(rhs);
    InvalidInputException.check(Double.isFinite(bn), "b (norm %s) must be finite", bn);
    double s = options.scale();
    if (bn == 0) {
      return new SolverResult(Vectors.column(b.dataType(), p).reshape(b.shape()), 0, 0,
          new double[] {0}, true, 0, System.nanoTime() - start);
    }
    INDArray x = Vectors.column(b.dataType(), p);
    INDArray ax = Vectors.column(b.dataType(), p);
    INDArray u = Vectors.column(b.dataType(), p);
    Vectors.copy(rhs, x);
    double[] history = new double[Math.min(options.maxSteps() + 1, 1024)];
    int h = 0;
    long matvecs = 0;
    double rel = Double.NaN;
    for (int j = 1; j <= options.maxSteps(); j++) {
      CurvatureOperator a = operatorForStep.apply(j);
      InvalidInputException.check(a != null && a.dimension() == p && a.dataType() == b.dataType(),
          "operator of step %d must be non-null with dimension %d and data type %s", j, p, b.dataType());
      a.apply(x, ax);
      matvecs++;
      Vectors.copy(rhs, u);
      Vectors.axpy(-1.0 / s, ax, u); // u = b - A (x/s): the residual of the answer x/s
      double un = Vectors.norm(u);
      rel = un / bn;
      if (h == history.length) {
        history = Arrays.copyOf(history, Math.min(2 * history.length, options.maxSteps() + 1));
      }
      history[h++] = rel;
      if (rel <= options.tolerance()) {
        Vectors.scal(1.0 / s, x);
        return new SolverResult(x.reshape(b.shape()), j, matvecs, Arrays.copyOf(history, h), true, rel,
            System.nanoTime() - start);
      }
      Vectors.axpy(1.0, u, x);
      double xn = Vectors.norm(x);
      double bound = options.divergenceFactor() * (j + 1) * bn;
      if (!(xn <= bound)) {
        throw new LissaDivergenceException(j, un, xn, bound, s);
      }
    }
    throw new IterationLimitException("LiSSA did not converge in " + options.maxSteps() + " steps",
        options.maxSteps(), rel * bn, rel);
  }
}

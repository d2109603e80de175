package dev.unlearn.hessian.estimate;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.internal.Checks;
import dev.unlearn.hessian.internal.Probes;
import dev.unlearn.hessian.internal.Vectors;
import dev.unlearn.hessian.operator.CurvatureOperator;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Power iteration for the eigenvalue of largest magnitude of a symmetric operator and its vector:
 * v &larr; A v / &Vert;A v&Vert; from a seeded Gaussian start, stopping when &Vert;A v &minus; &lambda;
 * v&Vert; &le; tol &middot; |&lambda;|. One matvec per iteration, no allocation inside the loop.
 * Converges at the rate |&lambda;<sub>2</sub>/&lambda;<sub>1</sub>|; the result says whether it met the
 * tolerance (it does not throw on an exhausted budget: a loose top eigenvalue is often all a
 * caller needs, for example to scale LiSSA). A zero operator gives &lambda; = 0 and is converged.
 */
public final class PowerIteration {
  private PowerIteration() {}

  /**
   * @param maxIterations at least 1
   * @param tolerance relative residual target, &gt; 0
   */
  public static Eigenpair largest(CurvatureOperator a, int maxIterations, double tolerance, long seed) {
    InvalidInputException.check(a != null, "operator must not be null");
    InvalidInputException.check(maxIterations >= 1, "maxIterations (%d) must be >= 1", maxIterations);
    Checks.positive(tolerance, "tolerance");
    int p = a.dimension();
    INDArray v = Vectors.column(a.dataType(), p);
    Vectors.copy(Probes.gaussian(new SplittableRandom(seed), p, 1, a.dataType()), v);
    Vectors.scal(1.0 / Vectors.norm(v), v);
    INDArray w = Vectors.column(a.dataType(), p);
    INDArray r = Vectors.column(a.dataType(), p);
    double lambda = Double.NaN;
    double residual = Double.NaN;
    long before = a.matvecs();
    for (int it = 1; it <= maxIterations; it++) {
      a.apply(v, w);
      lambda = Vectors.dot(v, w);
      Vectors.copy(w, r);
      Vectors.axpy(-lambda, v, r);
      residual = Vectors.norm(r);
      double wn = Vectors.norm(w);
      if (!Double.isFinite(wn)) {
        return new Eigenpair(lambda, v.reshape(p), residual, it, a.matvecs() - before, false);
      }
      if (residual <= tolerance * Math.abs(lambda) || wn == 0) {
        return new Eigenpair(lambda, v.reshape(p), residual, it, a.matvecs() - before, true);
      }
      if (it < maxIterations) {
        Vectors.copy(w, v);
        Vectors.scal(1.0 / wn, v);
      }
    }
    return new Eigenpair(lambda, v.reshape(p), residual, maxIterations, a.matvecs() - before, false);
  }
}

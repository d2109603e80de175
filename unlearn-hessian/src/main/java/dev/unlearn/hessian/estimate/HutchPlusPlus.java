package dev.unlearn.hessian.estimate;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.internal.Factorizations;
import dev.unlearn.hessian.internal.Probes;
import dev.unlearn.hessian.operator.CurvatureOperator;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hutch++ (Meyer, Musco, Musco, Woodruff 2021, Algorithm 1): with a budget of m matvecs, sketch
 * Q = orth(A S) with m/3 Rademacher columns, take tr(Q<sup>T</sup> A Q) exactly and estimate the
 * rest, tr((I &minus; QQ<sup>T</sup>) A (I &minus; QQ<sup>T</sup>)), by Hutchinson with the remaining
 * probes. For PSD A the error is O(1/m) against Hutchinson's O(1/&radic;m); it wins most when the
 * spectrum decays. Deterministic for a seed.
 */
public final class HutchPlusPlus {
  private HutchPlusPlus() {}

  /** Estimates tr(A) with {@code matvecs} &ge; 3 operator products. */
  public static TraceEstimate trace(CurvatureOperator a, int matvecs, long seed) {
    InvalidInputException.check(a != null, "operator must not be null");
    InvalidInputException.check(matvecs >= 3, "matvecs (%d) must be >= 3", matvecs);
    int p = a.dimension();
    DataType type = a.dataType();
    int s = Math.min(matvecs / 3, p);
    int g = matvecs - 2 * s;
    SplittableRandom rng = new SplittableRandom(seed);
    INDArray sketch = Probes.rademacher(rng, p, s, type);
    INDArray q = Factorizations.orthonormalize(a.apply(sketch), null); // p x s, double
    INDArray aq = a.apply(q.castTo(type)).castTo(DataType.DOUBLE);
    double deflated = q.mul(aq).sumNumber().doubleValue();
    double sum = 0;
    double sumSq = 0;
    for (int done = 0; done < g; ) {
      int b = Math.min(Hutchinson.BLOCK, g - done);
      INDArray z = Probes.rademacher(rng, p, b, DataType.DOUBLE);
      INDArray proj = Nd4j.create(DataType.DOUBLE, new long[] {s, b}, 'f');
      Nd4j.gemm(q, z, proj, true, false, 1.0, 0.0);
      Nd4j.gemm(q, proj, z, false, false, -1.0, 1.0); // z <- (I - QQ^T) z
      double[] terms = Hutchinson.columnDots(z, a.apply(z.castTo(type)));
      for (double t : terms) {
        sum += t;
        sumSq += t * t;
      }
      done += b;
    }
    double rest = g > 0 ? sum / g : 0;
    double se = g > 0 ? Hutchinson.standardError(sum, sumSq, g) : 0;
    return new TraceEstimate(deflated + rest, se, (long) 2 * s + g, g);
  }
}

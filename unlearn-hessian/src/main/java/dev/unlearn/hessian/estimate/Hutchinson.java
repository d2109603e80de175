package dev.unlearn.hessian.estimate;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.internal.Probes;
import dev.unlearn.hessian.operator.CurvatureOperator;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Hutchinson's estimators (Hutchinson 1989): tr(A) &asymp; (1/N) &Sigma; z<sub>i</sub><sup>T</sup> A
 * z<sub>i</sub> and diag(A) &asymp; (1/N) &Sigma; z<sub>i</sub> &#8857; A z<sub>i</sub> with Rademacher
 * probes z<sub>i</sub>, unbiased, error O(1/&radic;N). Probes are applied in blocks of up to 64
 * (one batched product each). Deterministic for a seed. NaN or infinity in A's products shows up
 * in the estimate.
 *
 * <pre>{@code
 * TraceEstimate t = Hutchinson.trace(Operators.hessian(at), 100, 42L);
 * }</pre>
 */
public final class Hutchinson {
  static final int BLOCK = 64;

  private Hutchinson() {}

  /** Estimates tr(A) from {@code probes} &ge; 1 Rademacher probes. */
  public static TraceEstimate trace(CurvatureOperator a, int probes, long seed) {
    check(a, probes);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = a.dimension();
    double sum = 0;
    double sumSq = 0;
    for (int done = 0; done < probes; ) {
      int b = Math.min(BLOCK, probes - done);
      INDArray z = Probes.rademacher(rng, p, b, a.dataType());
      double[] terms = columnDots(z, a.apply(z));
      for (double t : terms) {
        sum += t;
        sumSq += t * t;
      }
      done += b;
    }
    double mean = sum / probes;
    return new TraceEstimate(mean, standardError(sum, sumSq, probes), probes, probes);
  }

  /** Estimates diag(A) from {@code probes} &ge; 1 Rademacher probes. */
  public static DiagonalEstimate diagonal(CurvatureOperator a, int probes, long seed) {
    check(a, probes);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = a.dimension();
    double[] sum = new double[p];
    double[] sumSq = new double[p];
    for (int done = 0; done < probes; ) {
      int b = Math.min(BLOCK, probes - done);
      INDArray z = Probes.rademacher(rng, p, b, a.dataType());
      INDArray prod = z.castTo(DataType.DOUBLE).muli(a.apply(z).castTo(DataType.DOUBLE)).dup('f');
      double[] t = prod.data().asDouble(); // column-major: probe j at [j*p, (j+1)*p)
      for (int j = 0; j < b; j++) {
        for (int i = 0; i < p; i++) {
          double x = t[j * p + i];
          sum[i] += x;
          sumSq[i] += x * x;
        }
      }
      done += b;
    }
    double[] mean = new double[p];
    double[] se = new double[p];
    for (int i = 0; i < p; i++) {
      mean[i] = sum[i] / probes;
      se[i] = standardError(sum[i], sumSq[i], probes);
    }
    return new DiagonalEstimate(mean, se, probes, probes);
  }

  static void check(CurvatureOperator a, int probes) {
    InvalidInputException.check(a != null, "operator must not be null");
    InvalidInputException.check(probes >= 1, "probes (%d) must be >= 1", probes);
  }

  /** z<sub>j</sub><sup>T</sup> y<sub>j</sub> for each column j, in double. */
  static double[] columnDots(INDArray z, INDArray y) {
    INDArray d = z.castTo(DataType.DOUBLE).mul(y.castTo(DataType.DOUBLE)).sum(0);
    return d.toDoubleVector();
  }

  static double standardError(double sum, double sumSq, int n) {
    if (n < 2) {
      return Double.NaN;
    }
    double mean = sum / n;
    double var = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
    return Math.sqrt(var / n);
  }
}

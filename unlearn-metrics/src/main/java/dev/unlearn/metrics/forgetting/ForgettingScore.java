package dev.unlearn.metrics.forgetting;

import dev.unlearn.api.InvalidInputException;
import java.util.Locale;
import java.util.stream.IntStream;
import dev.unlearn.metrics.score.Utility;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The forgetting score of the NeurIPS 2023 unlearning competition (Triantafillou et al., arXiv
 * 2406.09073), reproduced exactly as docs/metrics.md, "The competition score F" writes it, on the CPU.
 *
 * <p>Input: two N &times; |S| matrices of logit-scaled confidences ({@link LogitScaledConfidence}),
 * row i = model i, column s = forget example s; one from N unlearned models, one from N retrained
 * models. Per example s:
 *
 * <ol>
 *   <li>the positive side is the sample with the larger median (numpy's median; a tie makes the
 *       unlearned side positive, as in the organisers' code);
 *   <li>peakiness guard: if min(range) / max(range) &lt; 0.01 then &epsilon;<sub>s</sub> = 50 (0/0
 *       does not trigger it);
 *   <li>single thresholds t on {@code linspace(min, max, ceil(range·100))} of the 2N pooled values,
 *       positive iff &phi; &ge; t; intervals: P' the peakier side (smaller range w; a tie picks the
 *       negative side), right ends r on {@code linspace(max(P')−2, max(P')+2, 400)}, for each r left
 *       ends l on {@code linspace(r−w−2, r−w+2, 400)}, positive iff l &le; &phi; &le; r; {@code
 *       linspace} has numpy's rounding ({@code i·step + start}, the last point exactly the end);
 *   <li>per rule with &delta; = 1e-5 and natural logs: FPR = FNR = 0 gives +&infin;; exactly one of
 *       them 0 discards the rule; otherwise &epsilon; = max(0, log(1−&delta;−FPR) − log FNR,
 *       log(1−&delta;−FNR) − log FPR), a term with a non-positive log argument ignored, a rule with
 *       both ignored discarded; &epsilon;<sub>s</sub> = the maximum over surviving rules clipped to
 *       [0, 50]; if no rule survives (both samples one and the same constant) &epsilon;<sub>s</sub>
 *       = 0;
 *   <li>points H(s) = 2<sup>−floor(2&epsilon;<sub>s</sub>)</sup> if &epsilon;<sub>s</sub> &lt; E =
 *       ceil(ln(N−1)), else 0; F = the mean of H.
 * </ol>
 *
 * <p>Exact: each sample is sorted once and every rule is counted by binary search or a monotone
 * pointer walk, never by a floating-point approximation; rates are counts / N in double and logs
 * are {@link StrictMath#log}, so results are bit-reproducible. Examples run in parallel on the
 * common fork-join pool; the result does not depend on the thread count.
 *
 * <pre>{@code
 * double[][] u = LogitScaledConfidence.matrix(model, unlearnedThetas, forget);
 * double[][] r = LogitScaledConfidence.matrix(model, retrainedThetas, forget);
 * ForgettingResult f = ForgettingScore.compute(u, r);
 * }</pre>
 *
 * <p>Where this follows docs/metrics.md and the organisers' scoring code
 * ({@code google-deepmind/unlearning_evaluation}, {@code metric.py}) differs: (1) their right ends
 * start at {@code min(P') + w − 2} (equal to {@code max(P') − 2} up to rounding) and number
 * {@code ceil(4·100)}, which rounding can make 401; because left and right ends share the step
 * 4/399, about 400 intervals have a left end equal to min(P') in exact arithmetic, and rounding
 * puts it on either side, so the two codes can disagree by 1/N in those rules' FNR (measured on
 * random normal samples: &epsilon;<sub>s</sub> differed for 4 of 1 000 examples at N = 512, the
 * points for 1); (2) their rates and &epsilon; are float32, ours double; (3) their single
 * threshold grid is {@code torch.linspace} (the upper half computed from the end), ours numpy's
 * rounding; (4) they subtract the max logit in the model's type, we convert to double first; (5)
 * when no rule survives they fail an assertion, we return &epsilon;<sub>s</sub> = 0.
 *
 * <p>Fails with {@link InvalidInputException} on NaN or infinite confidences (naming the matrix,
 * row and column), N &lt; 2, no examples, ragged or mismatched shapes, or a pooled range above
 * 100 000 (the threshold grid would exceed 10<sup>7</sup> points).
 */
public final class ForgettingScore {
  /** &delta; of the (&epsilon;, &delta;) bound. */
  public static final double DELTA = EpsilonKernel.DELTA;
  /** The cap of &epsilon;<sub>s</sub>. */
  public static final double EPSILON_CAP = EpsilonKernel.EPSILON_CAP;

  private ForgettingScore() {}

  /**
   * The forgetting score from two N &times; |S| confidence matrices (rows = models, columns =
   * forget examples), in parallel over the examples. The inputs are not mutated.
   */
  public static ForgettingResult compute(double[][] unlearned, double[][] retrained) {
    return compute(unlearned, retrained, true);
  }

  /** As {@link #compute(double[][], double[][])}, on the calling thread only if not parallel. */
  public static ForgettingResult compute(double[][] unlearned, double[][] retrained,
      boolean parallel) {
    int[] shape = checkShapes(unlearned, retrained);
    int n = shape[0];
    int examples = shape[1];
    EpsilonKernel kernel = new EpsilonKernel(n);
    double[] eps = new double[examples];
    IntStream range = IntStream.range(0, examples);
    (parallel ? range.parallel() : range).forEach(s -> {
      double[] u = new double[n];
      double[] r = new double[n];
      for (int i = 0; i < n; i++) {
        u[i] = unlearned[i][s];
        r[i] = retrained[i][s];
      }
      eps[s] = kernel.epsilon(u, r, s);
    });
    int e = maxEpsilon(n);
    double[] points = new double[examples];
    double sum = 0;
    for (int s = 0; s < examples; s++) {
      points[s] = points(eps[s], n);
      sum += points[s];
    }
    return new ForgettingResult(sum / examples, eps, points, n, e);
  }

  /**
   * The forgetting score from two N &times; |S| matrices in any floating data type (read as
   * double).
   */
  public static ForgettingResult compute(INDArray unlearned, INDArray retrained) {
    InvalidInputException.check(unlearned != null && unlearned.rank() == 2,
        "unlearned (%s) must be a matrix", unlearned == null ? "null" : "rank " + unlearned.rank());
    InvalidInputException.check(retrained != null && retrained.rank() == 2,
        "retrained (%s) must be a matrix", retrained == null ? "null" : "rank " + retrained.rank());
    return compute(Utility.toMatrix(unlearned), Utility.toMatrix(retrained));
  }

  /**
   * &epsilon;<sub>s</sub> of one example (steps 2 to 5) from its N unlearned and N retrained
   * confidences, in [0, 50].
   */
  public static double epsilon(double[] unlearned, double[] retrained) {
    InvalidInputException.check(unlearned != null && retrained != null,
        "unlearned and retrained (null) must be non-null");
    InvalidInputException.check(unlearned.length == retrained.length,
        "unlearned length (%d) must equal retrained length (%d)", unlearned.length,
        retrained.length);
    InvalidInputException.check(unlearned.length >= 2, "N (%d) must be >= 2", unlearned.length);
    for (int i = 0; i < unlearned.length; i++) {
      InvalidInputException.check(Double.isFinite(unlearned[i]),
          "unlearned[%d] (%s) must be finite", i, unlearned[i]);
      InvalidInputException.check(Double.isFinite(retrained[i]),
          "retrained[%d] (%s) must be finite", i, retrained[i]);
    }
    return new EpsilonKernel(unlearned.length).epsilon(unlearned, retrained, 0);
  }

  /** E = ceil(ln(N − 1)): 0 for N = 2, 7 for N = 512. */
  public static int maxEpsilon(int numModels) {
    InvalidInputException.check(numModels >= 2, "N (%d) must be >= 2", numModels);
    return (int) Math.ceil(StrictMath.log(numModels - 1));
  }

  /** H = 2<sup>−floor(2&epsilon;)</sup> if &epsilon; &lt; E = ceil(ln(N − 1)), else 0. */
  public static double points(double epsilon, int numModels) {
    InvalidInputException.check(epsilon >= 0, "epsilon (%s) must be >= 0", epsilon);
    if (!(epsilon < maxEpsilon(numModels))) {
      return 0.0;
    }
    return Math.scalb(1.0, -(int) Math.floor(2.0 * epsilon));
  }

  /** Checks the shapes and finiteness; returns {N, |S|}. */
  private static int[] checkShapes(double[][] unlearned, double[][] retrained) {
    InvalidInputException.check(unlearned != null, "unlearned (null) must be non-null");
    InvalidInputException.check(retrained != null, "retrained (null) must be non-null");
    InvalidInputException.check(unlearned.length == retrained.length,
        "unlearned rows (%d) must equal retrained rows (%d): N models on each side",
        unlearned.length, retrained.length);
    int n = unlearned.length;
    InvalidInputException.check(n >= 2, "N (%d) must be >= 2", n);
    InvalidInputException.check(unlearned[0] != null && unlearned[0].length > 0,
        "examples (%s) must be >= 1", unlearned[0] == null ? "null row" : "0");
    int examples = unlearned[0].length;
    checkMatrix("unlearned", unlearned, examples);
    checkMatrix("retrained", retrained, examples);
    return new int[] {n, examples};
  }

  private static void checkMatrix(String name, double[][] m, int examples) {
    for (int i = 0; i < m.length; i++) {
      InvalidInputException.check(m[i] != null, "%s row %d (null) must be non-null", name, i);
      InvalidInputException.check(m[i].length == examples,
          "%s row %d length (%d) must be %d, the number of examples", name, i, m[i].length,
          examples);
      for (int s = 0; s < examples; s++) {
        checkFinite(name, i, s, m[i][s]);
      }
    }
  }

  private static void checkFinite(String name, int row, int column, double value) {
    if (!Double.isFinite(value)) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "%s confidence at row %d, column %d (%s) must be finite", name, row, column, value));
    }
  }
}

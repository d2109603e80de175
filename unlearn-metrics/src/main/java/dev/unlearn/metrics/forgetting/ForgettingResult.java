package dev.unlearn.metrics.forgetting;

import java.util.Arrays;
import java.util.Locale;

/**
 * The competition's forgetting score of one unlearning method: the forgetting quality F (the mean
 * of the points), the per-example &epsilon; (clipped to [0, 50]) and points, the number N of models
 * per side and the bucket limit E = ceil(ln(N &minus; 1)).
 *
 * <p>Immutable: the arrays are copied in and out. Produced by {@link ForgettingScore#compute}.
 *
 * @param forgettingQuality F = mean over the forget examples of the points, in [0, 1]
 * @param epsilons &epsilon;<sub>s</sub> per forget example, in [0, 50]
 * @param points H(s) per forget example: 2<sup>&minus;floor(2&epsilon;)</sup> if &epsilon; &lt; E, else 0
 * @param numModels N, the number of unlearned (and of retrained) models
 * @param maxEpsilon E = ceil(ln(N &minus; 1))
 */
public record ForgettingResult(
    double forgettingQuality, double[] epsilons, double[] points, int numModels, int maxEpsilon) {

  public ForgettingResult {
    epsilons = epsilons.clone();
    points = points.clone();
  }

  /** &epsilon;<sub>s</sub> per forget example (a copy). */
  @Override
  public double[] epsilons() {
    return epsilons.clone();
  }

  /** The points H(s) per forget example (a copy). */
  @Override
  public double[] points() {
    return points.clone();
  }

  /** |S|, the number of forget examples. */
  public int numExamples() {
    return epsilons.length;
  }

  /** &epsilon;<sub>s</sub> of one forget example. */
  public double epsilon(int example) {
    return epsilons[example];
  }

  /** The median of the per-example &epsilon; (the mean of the two middle values for even |S|). */
  public double medianEpsilon() {
    double[] sorted = epsilons.clone();
    Arrays.sort(sorted);
    return EpsilonKernel.median(sorted);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ForgettingResult other
        && Double.compare(forgettingQuality, other.forgettingQuality) == 0
        && Arrays.equals(epsilons, other.epsilons)
        && Arrays.equals(points, other.points)
        && numModels == other.numModels
        && maxEpsilon == other.maxEpsilon;
  }

  @Override
  public int hashCode() {
    int h = Double.hashCode(forgettingQuality);
    h = 31 * h + Arrays.hashCode(epsilons);
    h = 31 * h + Arrays.hashCode(points);
    return 31 * (31 * h + numModels) + maxEpsilon;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "ForgettingResult[F=%.6f, examples=%d, N=%d, E=%d, median epsilon=%.4f]",
        forgettingQuality, epsilons.length, numModels, maxEpsilon, medianEpsilon());
  }
}

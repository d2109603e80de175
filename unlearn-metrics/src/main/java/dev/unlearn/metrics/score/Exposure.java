package dev.unlearn.metrics.score;

import dev.unlearn.api.InvalidInputException;

/**
 * The exposure of an inserted canary (Carlini et al. 2019, "The Secret Sharer"; docs/metrics.md
 * &sect;4.2): {@code log2 |R| − log2 rank}, where R is the canary together with the candidate
 * secrets and rank is the canary's position among them by model log-perplexity, rank 1 = the
 * lowest (most likely).
 *
 * <p>Ties: a candidate whose log-perplexity equals the canary's is ranked ahead of it
 * ({@code rank = 1 + #{c : c ≤ canary}}), the pessimistic rank, so exposure is never overstated.
 * Exposure lies in [0, log2 |R|]; it is log2 |R| when the canary is strictly the most likely.
 * NaN or infinite scores and an empty candidate set fail with {@link InvalidInputException}.
 *
 * <p>When R is too large to score (six digits: 10<sup>6</sup> secrets), {@link #estimate}
 * extrapolates the rank from a uniform sample of M other secrets by the sampling estimate of
 * Carlini et al.: {@code rank ~ 1 + (|R| - 1) * f}, f the fraction of the sample whose
 * log-perplexity is &le; the canary's. This is unbiased for the rank and resolves exposures up to
 * about log2 M (13.3 bits for M = 10 000): when no sampled secret is at or below the canary, the
 * estimate is rank 1 and exposure log2 |R| ({@link Estimate#saturated()}), and the true exposure is
 * only known to exceed about log2 M. {@link #exact} counts every other secret of R.
 */
public final class Exposure {
  private Exposure() {}

  /** The canary's rank among itself and the candidates (1 = lowest log-perplexity). */
  public static int rank(double canaryLogPerplexity, double[] candidateLogPerplexities) {
    InvalidInputException.check(Double.isFinite(canaryLogPerplexity),
        "canary log-perplexity (%s) must be finite", canaryLogPerplexity);
    InvalidInputException.check(candidateLogPerplexities != null
        && candidateLogPerplexities.length > 0, "candidates (%s) must be non-empty",
        candidateLogPerplexities == null ? "null" : "0");
    int rank = 1;
    for (int i = 0; i < candidateLogPerplexities.length; i++) {
      double c = candidateLogPerplexities[i];
      InvalidInputException.check(Double.isFinite(c), "candidate %d log-perplexity (%s) must be finite",
          i, c);
      if (c <= canaryLogPerplexity) {
        rank++;
      }
    }
    return rank;
  }

  /**
   * An exposure and how it was obtained.
   *
   * @param canaryLogPerplexity the canary's {@code -log2 Pr} in bits
   * @param spaceSize |R|
   * @param candidates the number of other secrets scored (M, or |R| - 1 when exact)
   * @param atOrBelow how many of them have log-perplexity &le; the canary's
   * @param rank the rank (exact) or its estimate {@code 1 + (|R| - 1) atOrBelow / candidates}
   * @param exposure {@code log2 |R| - log2 rank}
   * @param exact whether every secret was scored
   * @param saturated whether no scored candidate reached the canary (exposure = log2 |R|, and when
   *     sampled the true exposure is only known to be above about log2 M)
   */
  public record Estimate(double canaryLogPerplexity, long spaceSize, long candidates,
      long atOrBelow, double rank, double exposure, boolean exact, boolean saturated) {}

  /**
   * The sampled estimate: {@code sample} holds the log-perplexities of M secrets drawn uniformly
   * (with replacement) from the {@code spaceSize - 1} secrets other than the canary.
   */
  public static Estimate estimate(double canaryLogPerplexity, double[] sample, long spaceSize) {
    InvalidInputException.check(spaceSize >= 2, "|R| (%d) must be >= 2", spaceSize);
    long below = rank(canaryLogPerplexity, sample) - 1L;
    double rank = 1 + (double) (spaceSize - 1) * below / sample.length;
    return new Estimate(canaryLogPerplexity, spaceSize, sample.length, below, rank,
        log2(spaceSize) - log2(rank), false, below == 0);
  }

  /** The exact exposure: {@code others} holds the log-perplexities of every other secret of R. */
  public static Estimate exact(double canaryLogPerplexity, double[] others) {
    long below = rank(canaryLogPerplexity, others) - 1L;
    long space = others.length + 1L;
    double rank = 1 + below;
    return new Estimate(canaryLogPerplexity, space, others.length, below, rank,
        log2(space) - log2(rank), true, below == 0);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** {@code log2(candidates + 1) − log2 rank}. */
  public static double exposure(double canaryLogPerplexity, double[] candidateLogPerplexities) {
    int rank = rank(canaryLogPerplexity, candidateLogPerplexities);
    int size = candidateLogPerplexities.length + 1;
    return (Math.log(size) - Math.log(rank)) / Math.log(2);
  }
}

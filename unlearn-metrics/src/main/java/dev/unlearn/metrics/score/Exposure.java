package dev.unlearn.metrics.score;

import dev.unlearn.api.InvalidInputException;

/**
 * The exposure of an inserted canary (Carlini et al. 2019, "The Secret Sharer"; DESIGN.md
 * &sect;4.2): {@code log2 |R| − log2 rank}, where R is the canary together with the candidate
 * secrets and rank is the canary's position among them by model log-perplexity, rank 1 = the
 * lowest (most likely).
 *
 * <p>Ties: a candidate whose log-perplexity equals the canary's is ranked ahead of it
 * ({@code rank = 1 + #{c : c ≤ canary}}), the pessimistic rank, so exposure is never overstated.
 * Exposure lies in [0, log2 |R|]; it is log2 |R| when the canary is strictly the most likely.
 * NaN or infinite scores and an empty candidate set fail with {@link InvalidInputException}.
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

  /** {@code log2(candidates + 1) − log2 rank}. */
  public static double exposure(double canaryLogPerplexity, double[] candidateLogPerplexities) {
    int rank = rank(canaryLogPerplexity, candidateLogPerplexities);
    int size = candidateLogPerplexities.length + 1;
    return (Math.log(size) - Math.log(rank)) / Math.log(2);
  }
}

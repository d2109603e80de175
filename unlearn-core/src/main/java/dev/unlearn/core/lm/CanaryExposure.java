package dev.unlearn.core.lm;

import dev.unlearn.api.InvalidInputException;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The exposure of a canary (Carlini et al. 2019, "The Secret Sharer", &sect;4): {@code exposure =
 * log2 |R| - log2 rank}, where rank is the canary's position among all |R| secrets of its {@link
 * CanaryFormat} ordered by the model's log-perplexity {@code -log2 Pr(text)} (rank 1 = the most
 * likely). Ties rank ahead of the canary ({@code rank = 1 + #{others with log-perplexity <=
 * canary's}}), the pessimistic rank, as in unlearn-metrics' {@code Exposure}.
 *
 * <p>{@link #estimate}: the rank is extrapolated from a seeded uniform sample of M other secrets
 * (with replacement, never the canary itself) by the sampling estimate of Carlini et al.: {@code
 * rank ~ 1 + (|R| - 1) * f}, f the fraction of the sample whose log-perplexity is &le; the
 * canary's. This is unbiased for the rank; it resolves exposures up to about log2 M (13.3 bits
 * for M = 10 000): when no sampled secret is at or below the canary, the estimate is rank 1 and
 * exposure log2 |R| (the result says so: {@link Estimate#saturated()}), and the true exposure is
 * only known to exceed about log2 M. Their alternative, a skew-normal fit of the
 * log-perplexity distribution, is not implemented. {@link #exact} enumerates all of R (for |R|
 * &le; 10<sup>6</sup>: a few seconds for six digits).
 *
 * <p>Candidates are scored in batches: the secrets share the prefix, so the prefix's
 * log-probability is computed once and, for every candidate, only the positions after the prefix
 * are scored, as one matrix product per layer over all candidates and positions of a batch.
 * Non-finite log-perplexities (a diverged &theta;) fail with {@link InvalidInputException}.
 * Exposure lives in core (not unlearn-metrics) because it needs this model's batched scoring and
 * core cannot depend on metrics.
 */
public final class CanaryExposure {
  /** The largest |R| that {@link #exact} enumerates. */
  public static final long MAX_EXACT = 1_000_000;

  private CanaryExposure() {}

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

  /** The sampled estimate with M = {@code samples} secrets drawn with {@code seed}. */
  public static Estimate estimate(CharNgramModel model, INDArray theta, CharVocabulary vocabulary,
      CanaryFormat format, int[] secret, int samples, long seed) {
    SequenceScores.checkVocabulary(model, vocabulary);
    InvalidInputException.check(samples >= 1, "samples (%d) must be >= 1", samples);
    long canaryIndex = format.indexOf(secret);
    long space = format.spaceSize();
    InvalidInputException.check(space >= 2, "|R| (%d) must be >= 2", space);
    SplittableRandom rng = new SplittableRandom(seed);
    int[][] batch = new int[samples + 1][];
    batch[0] = secret.clone();
    for (int i = 1; i <= samples; i++) {
      long idx;
      do {
        idx = rng.nextLong(space);
      } while (idx == canaryIndex);
      batch[i] = format.secretOf(idx);
    }
    double[] lp = logPerplexities(model, theta, vocabulary, format, batch);
    long below = 0;
    for (int i = 1; i <= samples; i++) {
      if (lp[i] <= lp[0]) {
        below++;
      }
    }
    double rank = 1 + (double) (space - 1) * below / samples;
    return new Estimate(lp[0], space, samples, below, rank, log2(space) - log2(rank), false,
        below == 0);
  }

  /** The exact exposure: every secret of R scored (|R| &le; {@link #MAX_EXACT}). */
  public static Estimate exact(CharNgramModel model, INDArray theta, CharVocabulary vocabulary,
      CanaryFormat format, int[] secret) {
    SequenceScores.checkVocabulary(model, vocabulary);
    long space = format.spaceSize();
    InvalidInputException.check(space <= MAX_EXACT, "|R| (%d) must be <= %d for exact exposure",
        space, MAX_EXACT);
    long canaryIndex = format.indexOf(secret);
    double canary = logPerplexities(model, theta, vocabulary, format, new int[][] {secret})[0];
    int block = 50_000;
    long below = 0;
    for (long start = 0; start < space; start += block) {
      int m = (int) Math.min(block, space - start);
      int[][] batch = new int[m][];
      for (int i = 0; i < m; i++) {
        batch[i] = format.secretOf(start + i);
      }
      double[] lp = logPerplexities(model, theta, vocabulary, format, batch);
      for (int i = 0; i < m; i++) {
        if (start + i != canaryIndex && lp[i] <= canary) {
          below++;
        }
      }
    }
    double rank = 1 + below;
    return new Estimate(canary, space, space - 1, below, rank, log2(space) - log2(rank), true,
        below == 0);
  }

  /**
   * The log-perplexities {@code -log2 Pr(format.text(s))} in bits of many secrets, batched: the
   * prefix is scored once, the positions after it for all secrets together.
   */
  public static double[] logPerplexities(CharNgramModel model, INDArray theta,
      CharVocabulary vocabulary, CanaryFormat format, int[][] secrets) {
    SequenceScores.checkVocabulary(model, vocabulary);
    InvalidInputException.check(secrets != null && secrets.length > 0,
        "secrets (%s) must be non-empty", secrets == null ? "null" : "0");
    int k = model.contextLength();
    String prefix = format.prefix();
    int lp = prefix.length();
    int len = lp + 2 * format.digits() - 1;
    int tail = len - lp;
    int[] ids = new int[len];
    for (int t = 0; t < lp; t++) {
      ids[t] = vocabulary.id(prefix.charAt(t));
    }
    // The prefix: the same for every secret.
    double[] px = new double[lp * k];
    Sequences.contexts(java.util.Arrays.copyOf(ids, lp), k, px, 0);
    double prefixNll = 0;
    for (double v : SequenceScores.negativeLogLikelihoods(model, theta, px,
        java.util.Arrays.copyOf(ids, lp), lp)) {
      prefixNll += v;
    }
    // Positions lp..len-1 of every secret, as one batch of rows (chunked by the scorer).
    int m = secrets.length;
    long rows = (long) m * tail;
    InvalidInputException.check(rows * k <= Integer.MAX_VALUE,
        "secrets x positions x context (%d x %d x %d) must be <= %d", m, tail, k,
        Integer.MAX_VALUE);
    double[] x = new double[(int) rows * k];
    int[] y = new int[(int) rows];
    int[] full = ids.clone();
    for (int i = 0; i < m; i++) {
      String part = format.secretText(secrets[i]);
      for (int t = 0; t < tail; t++) {
        full[lp + t] = vocabulary.id(part.charAt(t));
      }
      for (int t = 0; t < tail; t++) {
        int pos = lp + t;
        int row = i * tail + t;
        for (int j = 0; j < k; j++) {
          int src = pos - k + j;
          x[row * k + j] = src < 0 ? CharVocabulary.START : full[src];
        }
        y[row] = full[pos];
      }
    }
    double[] nll = SequenceScores.negativeLogLikelihoods(model, theta, x, y, (int) rows);
    double[] out = new double[m];
    double ln2 = Math.log(2);
    for (int i = 0; i < m; i++) {
      double s = prefixNll;
      for (int t = 0; t < tail; t++) {
        s += nll[i * tail + t];
      }
      InvalidInputException.check(Double.isFinite(s), "log-perplexity of secret %d (%s) must be finite",
          i, s);
      out[i] = s / ln2;
    }
    return out;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}

package dev.unlearn.lm;

import dev.unlearn.api.InvalidInputException;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The log-perplexities of canaries and of the other secrets of their {@link CanaryFormat}, the
 * inputs of exposure (Carlini et al. 2019, "The Secret Sharer", &sect;4), which
 * {@code dev.unlearn.metrics.score.Exposure} computes from them (exposure lives once, in
 * unlearn-metrics; this module only scores).
 *
 * <p>{@link #sample}: the canary and a seeded uniform sample of M other secrets (with replacement,
 * never the canary itself), for the sampling estimate of the rank. {@link #all}: the canary and
 * every other secret of R (for |R| &le; {@value #MAX_EXACT}: a few seconds for six digits), for
 * the exact rank.
 *
 * <p>Candidates are scored in batches: the secrets share the prefix, so the prefix's
 * log-probability is computed once and, for every candidate, only the positions after the prefix
 * are scored, as one matrix product per layer over all candidates and positions of a batch.
 * Non-finite log-perplexities (a diverged &theta;) fail with {@link InvalidInputException}.
 */
public final class CanaryScoring {
  /** The largest |R| that {@link #all} enumerates. */
  public static final long MAX_EXACT = 1_000_000;

  private CanaryScoring() {}

  /**
   * The canary's log-perplexity and those of other secrets, in bits ({@code -log2 Pr}).
   *
   * @param canary the canary's log-perplexity
   * @param candidates the other secrets' log-perplexities (a sample, or all of R but the canary)
   * @param spaceSize |R|
   * @param exhaustive whether {@code candidates} is every other secret of R
   */
  public record Scored(double canary, double[] candidates, long spaceSize, boolean exhaustive) {}

  /** The canary and M = {@code samples} other secrets drawn uniformly with {@code seed}. */
  public static Scored sample(CharNgramModel model, INDArray theta, CharVocabulary vocabulary,
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
    return new Scored(lp[0], java.util.Arrays.copyOfRange(lp, 1, lp.length), space, false);
  }

  /** The canary and every other secret of R (|R| &le; {@link #MAX_EXACT}). */
  public static Scored all(CharNgramModel model, INDArray theta, CharVocabulary vocabulary,
      CanaryFormat format, int[] secret) {
    SequenceScores.checkVocabulary(model, vocabulary);
    long space = format.spaceSize();
    InvalidInputException.check(space <= MAX_EXACT, "|R| (%d) must be <= %d for exact exposure",
        space, MAX_EXACT);
    long canaryIndex = format.indexOf(secret);
    double canary = logPerplexities(model, theta, vocabulary, format, new int[][] {secret})[0];
    double[] others = new double[(int) space - 1];
    int block = 50_000;
    int filled = 0;
    for (long start = 0; start < space; start += block) {
      int m = (int) Math.min(block, space - start);
      int[][] batch = new int[m][];
      for (int i = 0; i < m; i++) {
        batch[i] = format.secretOf(start + i);
      }
      double[] lp = logPerplexities(model, theta, vocabulary, format, batch);
      for (int i = 0; i < m; i++) {
        if (start + i != canaryIndex) {
          others[filled++] = lp[i];
        }
      }
    }
    return new Scored(canary, others, space, true);
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

}

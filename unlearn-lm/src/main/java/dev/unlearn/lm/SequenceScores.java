package dev.unlearn.lm;

import dev.unlearn.api.InvalidInputException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sequence scores of a {@link CharNgramModel}: the log-likelihood of a string, its
 * log-perplexity in bits (Carlini et al. 2019: {@code -log2 Pr(x)}, summed over the characters,
 * not averaged) and the per-character perplexity of a corpus. Every character is predicted from
 * its k predecessors in the same text, with {@link CharVocabulary#START} before the first one, as
 * in {@link Corpus#examples}; text is normalised first.
 *
 * <pre>{@code
 * double bits = SequenceScores.logPerplexity(model, theta, vocab, "my pin code is 7 2 9 1 4 6");
 * SequenceScores.Perplexity test = SequenceScores.perplexity(model, theta, vocab, split.test());
 * }</pre>
 *
 * <p>Forward passes run in batches of at most {@link #CHUNK_ROWS} rows (one matrix product per
 * layer and batch). Empty text has log-likelihood 0; a corpus without characters and invalid
 * &theta; fail with {@link InvalidInputException}. Non-finite results propagate (a &theta; that
 * overflows the softmax).
 */
public final class SequenceScores {
  /** Rows per forward pass when scoring many contexts. */
  public static final int CHUNK_ROWS = 32_768;

  private SequenceScores() {}

  /**
   * The per-character perplexity of a corpus, {@code exp(meanNll)}.
   *
   * @param characters the number of characters scored
   * @param meanNll the mean negative log-likelihood per character, in nats
   * @param perplexity {@code exp(meanNll)}
   */
  public record Perplexity(long characters, double meanNll, double perplexity) {
    /** The mean negative log-likelihood per character in bits. */
    public double bitsPerCharacter() {
      return meanNll / Math.log(2);
    }
  }

  /** ln Pr(text) under the model, in nats (0 for empty text). */
  public static double logLikelihood(CharNgramModel model, INDArray theta,
      CharVocabulary vocabulary, String text) {
    checkVocabulary(model, vocabulary);
    int[] ids = vocabulary.encode(text);
    if (ids.length == 0) {
      return 0;
    }
    int k = model.contextLength();
    double[] x = new double[ids.length * k];
    Sequences.contexts(ids, k, x, 0);
    double[] nll = negativeLogLikelihoods(model, theta, x, ids, ids.length);
    double sum = 0;
    for (double v : nll) {
      sum += v;
    }
    return -sum;
  }

  /** The log-perplexity {@code -log2 Pr(text)} in bits (Carlini et al. 2019). */
  public static double logPerplexity(CharNgramModel model, INDArray theta,
      CharVocabulary vocabulary, String text) {
    return -logLikelihood(model, theta, vocabulary, text) / Math.log(2);
  }

  /** The per-character perplexity of every character of every document. */
  public static Perplexity perplexity(CharNgramModel model, INDArray theta,
      CharVocabulary vocabulary, Corpus corpus) {
    checkVocabulary(model, vocabulary);
    InvalidInputException.check(corpus != null, "corpus (null) must be given");
    var data = corpus.examples(vocabulary, model.contextLength());
    double[] x = data.features().dup('c').data().asDouble();
    int[] y = data.labels();
    double[] nll = negativeLogLikelihoods(model, theta, x, y, y.length);
    double sum = 0;
    for (double v : nll) {
      sum += v;
    }
    double mean = sum / y.length;
    return new Perplexity(y.length, mean, Math.exp(mean));
  }

  static void checkVocabulary(CharNgramModel model, CharVocabulary vocabulary) {
    InvalidInputException.check(model != null, "model (null) must be given");
    InvalidInputException.check(vocabulary != null, "vocabulary (null) must be given");
    InvalidInputException.check(vocabulary.size() == model.vocabularySize(),
        "vocabulary size (%d) must equal the model's (%d)", vocabulary.size(),
        model.vocabularySize());
  }

  /**
   * -ln p(target_i | context_i) for {@code rows} contexts stored row-major in x (k ids each), in
   * chunks of {@link #CHUNK_ROWS} rows.
   */
  static double[] negativeLogLikelihoods(CharNgramModel model, INDArray theta, double[] x,
      int[] targets, int rows) {
    int k = model.contextLength();
    int v = model.vocabularySize();
    double[] out = new double[rows];
    for (int start = 0; start < rows; start += CHUNK_ROWS) {
      int m = Math.min(CHUNK_ROWS, rows - start);
      double[] chunk = new double[m * k];
      System.arraycopy(x, start * k, chunk, 0, m * k);
      INDArray z = model.logits(theta, Nd4j.create(chunk, new long[] {m, k}, DataType.DOUBLE));
      double[] zz = z.dup('c').data().asDouble();
      for (int i = 0; i < m; i++) {
        int row = i * v;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < v; c++) {
          max = Math.max(max, zz[row + c]);
        }
        double sum = 0;
        for (int c = 0; c < v; c++) {
          sum += Math.exp(zz[row + c] - max);
        }
        out[start + i] = max + Math.log(sum) - zz[row + targets[start + i]];
      }
    }
    return out;
  }
}

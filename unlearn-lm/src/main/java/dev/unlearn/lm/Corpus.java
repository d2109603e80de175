package dev.unlearn.lm;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable list of {@link Document}s, and its conversion to next-character examples for
 * {@link CharNgramModel}.
 *
 * <pre>{@code
 * Corpus all = DevilsDictionary.load();
 * Corpus.Split s = all.split(0.1, 42);                         // by document, seeded
 * Dataset train = s.train().examples(CharVocabulary.standard(), 5);
 * }</pre>
 *
 * <p>{@link #examples} turns every document into one example per character: the features of the
 * example are the ids of the k preceding characters of the same document (<b>ids stored as
 * numbers, not real-valued features</b>), padded with {@link CharVocabulary#START} before the
 * document's first character, the label is the character's id, the group id is the document's.
 * Documents never share a context. An empty corpus, or one without any character, fails with
 * {@link InvalidInputException}.
 */
public final class Corpus {
  private final List<Document> documents;

  private Corpus(List<Document> documents) {
    this.documents = documents;
  }

  /** A corpus of these documents (copied; not null, at least one). */
  public static Corpus of(List<Document> documents) {
    InvalidInputException.check(documents != null && !documents.isEmpty(),
        "documents (%s) must be non-empty", documents == null ? "null" : "0");
    for (int i = 0; i < documents.size(); i++) {
      InvalidInputException.check(documents.get(i) != null, "document %d (null) must be given", i);
    }
    return new Corpus(List.copyOf(documents));
  }

  /** The documents, in order (unmodifiable). */
  public List<Document> documents() {
    return documents;
  }

  /** The number of documents. */
  public int size() {
    return documents.size();
  }

  /** The total number of normalised characters (= the number of examples). */
  public long characters() {
    long n = 0;
    for (Document d : documents) {
      n += CharVocabulary.normalize(d.text()).length();
    }
    return n;
  }

  /** This corpus followed by the other's documents. */
  public Corpus plus(Corpus other) {
    List<Document> all = new ArrayList<>(documents);
    all.addAll(other.documents);
    return new Corpus(List.copyOf(all));
  }

  /** The documents at these indices, in this order. */
  public Corpus select(int[] indices) {
    InvalidInputException.check(indices != null && indices.length > 0,
        "document selection (%s) must be non-empty", indices == null ? "null" : "0");
    List<Document> out = new ArrayList<>(indices.length);
    for (int i : indices) {
      InvalidInputException.check(i >= 0 && i < size(), "document index (%d) must be in [0, %d)",
          i, size());
      out.add(documents.get(i));
    }
    return new Corpus(List.copyOf(out));
  }

  /** {@code count} documents drawn without replacement with the seed, in corpus order. */
  public Corpus sample(int count, long seed) {
    InvalidInputException.check(count >= 1 && count <= size(), "count (%d) must be in [1, %d]",
        count, size());
    return select(draw(count, seed));
  }

  /** A train/test split by document. */
  public record Split(Corpus train, Corpus test) {}

  /**
   * Splits by document: {@code round(testFraction * size)} documents (at least one, leaving at
   * least one) drawn with the seed go to the test side; both sides keep corpus order.
   */
  public Split split(double testFraction, long seed) {
    InvalidInputException.check(testFraction > 0 && testFraction < 1,
        "testFraction (%s) must be in (0, 1)", testFraction);
    InvalidInputException.check(size() >= 2, "a corpus of %d document(s) cannot be split", size());
    int m = (int) Math.min(size() - 1, Math.max(1, Math.round(testFraction * size())));
    int[] test = draw(m, seed);
    int[] train = Dataset.complement(test, size());
    return new Split(select(train), select(test));
  }

  private int[] draw(int count, long seed) {
    int n = size();
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < count; i++) {
      int j = i + rng.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] out = Arrays.copyOf(perm, count);
    Arrays.sort(out);
    return out;
  }

  /**
   * The next-character examples of every document: features n &times; k (context ids as numbers),
   * labels the next ids, numClasses = V, group ids the documents' groups.
   *
   * @throws InvalidInputException if {@code context < 1} or the corpus has no character
   */
  public Dataset examples(CharVocabulary vocabulary, int context) {
    InvalidInputException.check(vocabulary != null, "vocabulary (null) must be given");
    InvalidInputException.check(context >= 1, "context (%d) must be >= 1", context);
    long total = characters();
    InvalidInputException.check(total >= 1, "the corpus (%d documents) must have a character",
        size());
    InvalidInputException.check(total * context <= Integer.MAX_VALUE,
        "examples x context (%d x %d) must be <= %d", total, context, Integer.MAX_VALUE);
    int n = (int) total;
    double[] x = new double[n * context];
    int[] y = new int[n];
    int[] g = new int[n];
    int row = 0;
    for (Document d : documents) {
      int[] ids = vocabulary.encode(d.text());
      Sequences.contexts(ids, context, x, row);
      for (int t = 0; t < ids.length; t++) {
        y[row + t] = ids[t];
        g[row + t] = d.group();
      }
      row += ids.length;
    }
    return Dataset.of(Nd4j.create(x, new long[] {n, context}, DataType.DOUBLE), y,
        vocabulary.size(), g);
  }

  @Override
  public String toString() {
    return "Corpus[documents=" + size() + "]";
  }
}

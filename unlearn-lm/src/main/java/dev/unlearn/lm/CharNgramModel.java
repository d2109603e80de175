package dev.unlearn.lm;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A character-level neural n-gram language model (Bengio et al. 2003, with characters): the ids
 * of the k previous characters are looked up in one V &times; e embedding table shared by all
 * positions, concatenated (k&middot;e), passed through one tanh hidden layer of h units and a
 * softmax over the V characters. As a {@link Model} an example is one prediction: its features
 * are the k context <b>ids stored as numbers</b> (n &times; k, each an integer in [0, V); they
 * are indices, not real-valued features, see {@link Corpus#examples}), its label the next id, and
 * numClasses = V.
 *
 * <pre>
 *   X = [E[c_1], ..., E[c_k]]   (n x k e, a gather)
 *   A = tanh(X W1 + b1)         (n x h)
 *   logits = A W2 + b2          (n x V)
 *   theta = [E (V x e, row-major), W1 (k e x h), b1 (h), W2 (h x V), b2 (V)]
 * </pre>
 *
 * <p>The objective is the mean cross-entropy plus (&lambda;/2)&Vert;&theta;&Vert;&sup2; like every
 * {@link Model}; the derivatives are exact and whole-batch: backpropagation for the gradient,
 * Pearlmutter's (1994) R-operator for Hessian-vector products (the lookup is linear in E, so its
 * R-pass is a gather of the direction's rows of E and its backward pass a scatter-add into E; the
 * bilinear coupling of E and W1 contributes exact cross terms), Gauss-Newton products J<sup>T</sup>
 * H<sub>CE</sub> J/n + &lambda;I, per-example gradients (n &times; p, refused when n&middot;p
 * exceeds {@link #MAX_PER_EXAMPLE_ELEMENTS}) and {@link ModelPoint#backpropagate}. Blocks of r
 * directions run column by column. Gathers and scatters are plain Java loops; matrix products are
 * {@code Nd4j.gemm} over the whole batch.
 *
 * <pre>{@code
 * CharNgramModel m = CharNgramModel.of(41, 5, 12, 96).withL2(1e-5);
 * ModelPoint at = m.at(theta, corpus.examples(CharVocabulary.standard(), 5));
 * INDArray hv = at.hessianVectorProduct(v);
 * }</pre>
 *
 * <p>float64 only: {@link #withDataType} accepts {@code DOUBLE} and rejects the rest. A feature
 * that is not an integer id in [0, V), non-finite &theta; and shape mismatches fail with {@link
 * InvalidInputException}; a non-finite direction v gives non-finite products. Immutable and
 * thread-safe.
 */
public final class CharNgramModel implements Model {
  /** The largest n&middot;p for which {@link ModelPoint#perExampleGradients()} is computed. */
  public static final long MAX_PER_EXAMPLE_ELEMENTS = 1L << 28;

  final int vocab;
  final int context;
  final int embedding;
  final int hidden;
  final int w1Off;
  final int b1Off;
  final int w2Off;
  final int b2Off;
  final int numParameters;
  private final double l2;

  private CharNgramModel(int vocab, int context, int embedding, int hidden, double l2) {
    InvalidInputException.check(vocab >= 2, "vocabulary size (%d) must be >= 2", vocab);
    InvalidInputException.check(context >= 1, "context (%d) must be >= 1", context);
    InvalidInputException.check(embedding >= 1, "embedding (%d) must be >= 1", embedding);
    InvalidInputException.check(hidden >= 1, "hidden (%d) must be >= 1", hidden);
    InvalidInputException.check(Double.isFinite(l2) && l2 >= 0, "l2 (%s) must be >= 0 and finite",
        l2);
    long ke = (long) context * embedding;
    long p = (long) vocab * embedding + ke * hidden + hidden + (long) hidden * vocab + vocab;
    InvalidInputException.check(p <= Integer.MAX_VALUE, "number of parameters (%d) must be <= %d",
        p, Integer.MAX_VALUE);
    this.vocab = vocab;
    this.context = context;
    this.embedding = embedding;
    this.hidden = hidden;
    this.l2 = l2;
    this.w1Off = vocab * embedding;
    this.b1Off = (int) (w1Off + ke * hidden);
    this.w2Off = b1Off + hidden;
    this.b2Off = w2Off + hidden * vocab;
    this.numParameters = (int) p;
  }

  /**
   * A model over {@code vocabularySize} ids (k &ge; 1 context characters, embeddings of size e,
   * h tanh units), float64, &lambda; = 0.
   */
  public static CharNgramModel of(int vocabularySize, int context, int embedding, int hidden) {
    return new CharNgramModel(vocabularySize, context, embedding, hidden, 0.0);
  }

  /** The vocabulary size V (= {@link #numClasses()}). */
  public int vocabularySize() {
    return vocab;
  }

  /** The context length k (= {@link #numInputs()}). */
  public int contextLength() {
    return context;
  }

  /** The embedding size e. */
  public int embeddingSize() {
    return embedding;
  }

  /** The number of hidden units h. */
  public int hiddenSize() {
    return hidden;
  }

  @Override
  public String name() {
    return String.format(Locale.ROOT, "char-ngram(V=%d, k=%d, e=%d, h=%d, tanh)", vocab, context,
        embedding, hidden);
  }

  @Override
  public int numParameters() {
    return numParameters;
  }

  @Override
  public int numInputs() {
    return context;
  }

  @Override
  public int numClasses() {
    return vocab;
  }

  @Override
  public DataType dataType() {
    return DataType.DOUBLE;
  }

  @Override
  public double l2() {
    return l2;
  }

  /** This model (float64); any other type fails: the character model is float64 only. */
  @Override
  public CharNgramModel withDataType(DataType type) {
    InvalidInputException.check(type == DataType.DOUBLE,
        "data type (%s) must be DOUBLE: the character model is float64 only", type);
    return this;
  }

  @Override
  public CharNgramModel withL2(double newL2) {
    return new CharNgramModel(vocab, context, embedding, hidden, newL2);
  }

  /**
   * E ~ N(0, 1) (PyTorch's {@code nn.Embedding} default), the weights and biases of each linear
   * layer ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) ({@code nn.Linear}), drawn from a
   * {@link SplittableRandom} with the seed.
   */
  @Override
  public INDArray initialParameters(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] t = new double[numParameters];
    for (int q = 0; q < w1Off; q++) {
      double u = rng.nextDouble();
      double v = rng.nextDouble();
      t[q] = Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
    }
    double bound1 = 1 / Math.sqrt((double) context * embedding);
    for (int q = w1Off; q < w2Off; q++) {
      t[q] = (2 * rng.nextDouble() - 1) * bound1;
    }
    double bound2 = 1 / Math.sqrt(hidden);
    for (int q = w2Off; q < numParameters; q++) {
      t[q] = (2 * rng.nextDouble() - 1) * bound2;
    }
    return Nd4j.createFromArray(t);
  }

  @Override
  public ModelPoint at(INDArray theta, Dataset data) {
    return new CharNgramPoint(this, theta, data);
  }

  @Override
  public INDArray logits(INDArray theta, INDArray features) {
    return CharNgramPoint.logits(this, theta, features);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CharNgramModel)) {
      return false;
    }
    CharNgramModel m = (CharNgramModel) o;
    return m.vocab == vocab && m.context == context && m.embedding == embedding
        && m.hidden == hidden && Double.compare(m.l2, l2) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(vocab, context, embedding, hidden, l2);
  }

  @Override
  public String toString() {
    return name() + "[l2=" + l2 + ", DOUBLE]";
  }
}

package dev.unlearn.lm;

import dev.unlearn.metrics.score.Exposure;
import dev.unlearn.testkit.Numerics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.testkit.Tolerance;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Sequence scores, canary insertion and exposure against per-string and closed-form oracles. */
class CanaryExposureTest {
  private static final long SEED = 0xCA7A_27L;
  private final CharVocabulary vocab = CharVocabulary.standard();
  private final CharNgramModel model = CharNgramModel.of(41, 4, 3, 6);
  private final INDArray theta = Nd4j.createFromArray(
      Numerics.gaussianVector(SEED, model.numParameters(), 0.7));

  /** Oracle: -ln p of every character from the plain-Java reference forward pass. */
  private double referenceNll(String text) {
    int[] ids = vocab.encode(text);
    int k = model.contextLength();
    int[][] ctx = new int[ids.length][k];
    for (int t = 0; t < ids.length; t++) {
      for (int j = 0; j < k; j++) {
        ctx[t][j] = t - k + j < 0 ? 0 : ids[t - k + j];
      }
    }
    double[][] z = Oracles.referenceLogits(Numerics.arr(theta), 41, k, 3, 6, ctx);
    double nll = 0;
    for (int t = 0; t < ids.length; t++) {
      nll -= Math.log(Numerics.softmax(z[t])[ids[t]]);
    }
    return nll;
  }

  @Test
  void sequenceScoresMatchTheReferenceForwardPassAndTheUniformClosedForm() {
    System.out.println("seed " + SEED);
    Tolerance tol = Tolerance.of(1e-12, 1e-10);
    String text = "Hello, World! my pin code is 1 2 3";
    tol.assertClose(SequenceScores.logLikelihood(model, theta, vocab, text), -referenceNll(text));
    tol.assertClose(SequenceScores.logPerplexity(model, theta, vocab, text),
        referenceNll(text) / Math.log(2));
    assertThat(SequenceScores.logLikelihood(model, theta, vocab, "")).isZero();
    Corpus c = Corpus.of(List.of(new Document(0, "a", "abc def."), new Document(1, "b", "xyz")));
    SequenceScores.Perplexity ppl = SequenceScores.perplexity(model, theta, vocab, c);
    double mean = (referenceNll("abc def.") + referenceNll("xyz")) / 11;
    assertThat(ppl.characters()).isEqualTo(11);
    tol.assertClose(ppl.meanNll(), mean);
    tol.assertClose(ppl.perplexity(), Math.exp(mean));
    // theta = 0: every prediction is uniform, perplexity V exactly, log2 Pr = -len log2 V.
    INDArray zero = Nd4j.zeros(DataType.DOUBLE, model.numParameters());
    tol.assertClose(SequenceScores.perplexity(model, zero, vocab, c).perplexity(), 41.0);
    tol.assertClose(SequenceScores.logPerplexity(model, zero, vocab, "abc"), 3 * Math.log(41) / Math.log(2));
    assertThatThrownBy(() -> SequenceScores.perplexity(CharNgramModel.of(40, 4, 3, 6),
        Nd4j.zeros(DataType.DOUBLE, CharNgramModel.of(40, 4, 3, 6).numParameters()), vocab, c))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("vocabulary size (41) must equal the model's (40)");
  }

  @Test
  void batchedCandidateScoresEqualPerStringScores() {
    CanaryFormat f = CanaryFormat.standard();
    int[][] secrets = {{7, 2, 9, 1, 4, 6}, {0, 0, 0, 0, 0, 0}, {9, 9, 9, 9, 9, 8}, {3, 1, 4, 1, 5, 9}};
    double[] batched = CanaryScoring.logPerplexities(model, theta, vocab, f, secrets);
    double[] single = new double[secrets.length];
    for (int i = 0; i < secrets.length; i++) {
      single[i] = referenceNll(f.text(secrets[i])) / Math.log(2);
    }
    assertThat(f.text(secrets[0])).isEqualTo("my pin code is 7 2 9 1 4 6");
    Tolerance.of(1e-12, 1e-10).assertClose(batched, single);
  }

  @Test
  void exactExposureMatchesABruteForceRankingAndTheSampledEstimateAgrees() {
    CanaryFormat f = new CanaryFormat("the code is ", 3);
    // Oracle: score all 1000 texts one by one with the reference pass and rank by hand; the
    // canary is the secret at sorted position 300, so that the rank is far from both ends.
    double[] ref = new double[1000];
    Integer[] order = new Integer[1000];
    for (int r = 0; r < 1000; r++) {
      ref[r] = referenceNll(f.text(f.secretOf(r)));
      order[r] = r;
    }
    Arrays.sort(order, (a, b) -> Double.compare(ref[a], ref[b]));
    int canaryIndex = order[300];
    int[] secret = f.secretOf(canaryIndex);
    int below = 0;
    for (int r = 0; r < 1000; r++) {
      if (r != canaryIndex && ref[r] <= ref[canaryIndex] + 1e-12) {
        below++;
      }
    }
    double expected = Math.log(1000) / Math.log(2) - Math.log(1 + below) / Math.log(2);
    Exposure.Estimate exact = exactExposure(model, theta, vocab, f, secret);
    System.out.printf("3-digit canary: brute-force rank %d, exact %s%n", 1 + below, exact);
    assertThat(exact.atOrBelow()).isEqualTo(below);
    Tolerance.of(1e-12, 1e-12).assertClose(exact.exposure(), expected);
    // The sampled estimate (M = 20 000 with replacement) is within a few standard errors.
    Exposure.Estimate est = sampledExposure(model, theta, vocab, f, secret, 20_000, SEED);
    double frac = (double) below / 999;
    double se = Math.sqrt(frac * (1 - frac) / 20_000) * 999;
    System.out.printf("sampled estimate %s (rank s.e. %.2f)%n", est, se);
    assertThat(Math.abs(est.rank() - exact.rank())).isLessThanOrEqualTo(5 * se + 1e-9);
  }

  @Test
  void aUniformModelTiesEverySecretSoExposureIsZero() {
    INDArray zero = Nd4j.zeros(DataType.DOUBLE, model.numParameters());
    CanaryFormat f = CanaryFormat.standard();
    int[] secret = {1, 2, 3, 4, 5, 6};
    Exposure.Estimate e = sampledExposure(model, zero, vocab, f, secret, 10_000, SEED);
    assertThat(e.atOrBelow()).isEqualTo(10_000);
    assertThat(e.rank()).isEqualTo(1_000_000.0);
    assertThat(e.exposure()).isEqualTo(0.0);
    assertThat(e.saturated()).isFalse();
  }

  @Test
  void canariesAreInsertedWithSharedGroupsAndForgettingTheGroupsRemovesEveryCopy() {
    Corpus base = DevilsDictionary.load().sample(20, SEED);
    int[] reps = {1, 3, 7};
    Canaries.Inserted c = Canaries.insert(base, CanaryFormat.standard(), reps, SEED);
    assertThat(c.corpus().size()).isEqualTo(20 + 11);
    assertThat(c.canaries()).hasSize(3);
    int next = base.documents().stream().mapToInt(Document::group).max().getAsInt() + 1;
    assertThat(c.groups()).containsExactly(next, next + 1, next + 2);
    assertThat(Canaries.insert(base, CanaryFormat.standard(), reps, SEED).canaries().get(2).text())
        .isEqualTo(c.canaries().get(2).text());
    assertThat(c.canaries().get(0).text()).matches("my pin code is [0-9]( [0-9]){5}");
    Dataset data = c.corpus().examples(vocab, 5);
    int[] forget = ForgetSets.groups(data, c.groups());
    int perCopy = c.canaries().get(0).text().length();
    assertThat(forget).hasSize(11 * perCopy);
    Dataset retain = data.without(forget);
    assertThat(retain.size()).isEqualTo(base.examples(vocab, 5).size());
    assertThat(Arrays.stream(retain.groups().orElseThrow()).max().getAsInt()).isLessThan(next);
    assertThatThrownBy(() -> Canaries.insert(base, CanaryFormat.standard(), new int[] {0}, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("repetitions[0] (0) must be >= 1");
    assertThatThrownBy(() -> new CanaryFormat("My pin ", 6))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("prefix (\"My pin \")");
  }

  private static Exposure.Estimate sampledExposure(CharNgramModel model, INDArray theta,
      CharVocabulary vocab, CanaryFormat format, int[] secret, int samples, long seed) {
    CanaryScoring.Scored s = CanaryScoring.sample(model, theta, vocab, format, secret, samples, seed);
    return Exposure.estimate(s.canary(), s.candidates(), s.spaceSize());
  }

  private static Exposure.Estimate exactExposure(CharNgramModel model, INDArray theta,
      CharVocabulary vocab, CanaryFormat format, int[] secret) {
    CanaryScoring.Scored s = CanaryScoring.all(model, theta, vocab, format, secret);
    return Exposure.exact(s.canary(), s.candidates());
  }
}

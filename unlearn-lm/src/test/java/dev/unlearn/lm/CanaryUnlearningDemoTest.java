package dev.unlearn.lm;

import dev.unlearn.metrics.score.Exposure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.core.train.TrainingResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The canary experiment end to end (Carlini et al. 2019; the set-up of Gu et al. 2024 at toy
 * scale): train the character model on part of the Devil's Dictionary with three canaries inserted
 * 1, 4 and 16 times, measure their exposure, then forget the canary documents with {@code
 * retrain} (the oracle), {@code gradient-ascent} and {@code finetune} from the registry, and print
 * exposure, test perplexity and time. The oracle: the retrained model, which never saw the
 * canaries, must give the most repeated canary an exposure at least 10 bits below the original's.
 */
class CanaryUnlearningDemoTest {
  static final long SEED = 2024;
  static final int CONTEXT = 5;

  @Test
  @Tag("slow")
  void exposureOfMemorisedCanariesAndItsRemoval() {
    long t0 = System.nanoTime();
    CharVocabulary vocab = CharVocabulary.standard();
    Corpus.Split split = DevilsDictionary.load().split(0.1, SEED);
    Corpus train = split.train().sample(200, SEED);
    Corpus test = split.test().sample(50, SEED);
    int[] reps = {1, 4, 16};
    Canaries.Inserted ins = Canaries.insert(train, CanaryFormat.standard(), reps, SEED);
    Dataset data = ins.corpus().examples(vocab, CONTEXT);
    CharNgramModel model = CharNgramModel.of(vocab.size(), CONTEXT, 12, 64).withL2(1e-6);
    TrainingRecipe recipe = TrainingRecipe.adam(3, 256, 5e-3, SEED);
    System.out.printf(Locale.ROOT, "seed %d; %s, p = %d; train %d docs + %d canary copies = %d "
        + "examples; test %d docs; %s%n", SEED, model.name(), model.numParameters(), train.size(),
        ins.corpus().size() - train.size(), data.size(), test.size(), recipe);

    long tt = System.nanoTime();
    TrainingResult original = Trainer.train(model, data, recipe);
    double trainSeconds = (System.nanoTime() - tt) / 1e9;
    Map<String, INDArray> thetas = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    thetas.put("original", original.parameters());
    seconds.put("original", trainSeconds);

    Supplier<UnlearningRequest.Builder> base = () -> UnlearningRequest.builder(model,
        original.parameters(), data).forgetGroups(ins.groups()).recipe(recipe).seed(SEED + 1);
    run("retrain", base, Map.of(), thetas, seconds);
    run("gradient-ascent", base, Map.of("epochs", 2, "learning-rate", 0.02, "batch-size", 32),
        thetas, seconds);
    run("finetune", base, Map.of("epochs", 1, "learning-rate", 1e-3, "batch-size", 256), thetas,
        seconds);

    List<Canary> canaries = ins.canaries();
    Map<String, double[]> exposures = new LinkedHashMap<>();
    System.out.printf(Locale.ROOT, "%-16s %8s %8s %8s %9s %8s%n", "model", "exp(1x)", "exp(4x)",
        "exp(16x)", "test ppl", "time s");
    for (var e : thetas.entrySet()) {
      double[] exp = new double[canaries.size()];
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-16s", e.getKey()));
      for (int c = 0; c < canaries.size(); c++) {
        Exposure.Estimate est = sampledExposure(model, e.getValue(), vocab,
            CanaryFormat.standard(), canaries.get(c).secret(), 10_000, SEED + 7);
        exp[c] = est.exposure();
        row.append(String.format(Locale.ROOT, " %7.2f%s", exp[c], est.saturated() ? "+" : " "));
      }
      double ppl = SequenceScores.perplexity(model, e.getValue(), vocab, test).perplexity();
      row.append(String.format(Locale.ROOT, " %9.3f %8.2f", ppl, seconds.get(e.getKey())));
      System.out.println(row);
      exposures.put(e.getKey(), exp);
    }
    System.out.println("(+ = no sampled candidate at or below the canary: exposure saturates at "
        + "log2 |R| = 19.93)");
    System.out.printf(Locale.ROOT, "total demo time %.1f s%n", (System.nanoTime() - t0) / 1e9);
    double gap = exposures.get("original")[2] - exposures.get("retrain")[2];
    assertThat(gap).isGreaterThanOrEqualTo(10.0);
  }

  private static void run(String name, Supplier<UnlearningRequest.Builder> base,
      Map<String, ?> hp, Map<String, INDArray> thetas, Map<String, Double> seconds) {
    UnlearningRequest request = base.get().hyperparameters(hp).build();
    UnlearningResult r = Unlearners.forName(name).unlearn(request);
    thetas.put(name, r.parameters());
    seconds.put(name, r.cost().wallTime().toNanos() / 1e9);
  }

  private static Exposure.Estimate sampledExposure(CharNgramModel model, INDArray theta,
      CharVocabulary vocab, CanaryFormat format, int[] secret, int samples, long seed) {
    CanaryScoring.Scored s = CanaryScoring.sample(model, theta, vocab, format, secret, samples, seed);
    return Exposure.estimate(s.canary(), s.candidates(), s.spaceSize());
  }
}

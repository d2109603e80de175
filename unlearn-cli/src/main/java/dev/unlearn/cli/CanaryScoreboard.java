package dev.unlearn.cli;

import dev.unlearn.metrics.score.Exposure;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.lm.Canaries;
import dev.unlearn.lm.Canary;
import dev.unlearn.lm.CanaryScoring;
import dev.unlearn.lm.CanaryFormat;
import dev.unlearn.lm.CharNgramModel;
import dev.unlearn.lm.CharVocabulary;
import dev.unlearn.lm.Corpus;
import dev.unlearn.lm.DevilsDictionary;
import dev.unlearn.lm.SequenceScores;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.core.train.TrainingResult;
import dev.unlearn.metrics.harness.EvaluationHarness;
import dev.unlearn.metrics.harness.ModelCache;
import dev.unlearn.metrics.score.Divergence;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The scoreboard's {@code canary} task: the canary case study of Gu et al. (2024, arXiv
 * 2403.10557) at toy scale, with exposure as defined by Carlini et al. (2019). A character n-gram
 * language model ({@link CharNgramModel}) is trained once on part of the Devil's Dictionary with
 * canaries inserted 1, 4 and 16 times; the canary documents (their group ids) are forgotten by each
 * method, starting from that one original model, and compared with a model retrained without them
 * (trained once, cached on disk with the harness's {@link ModelCache}). Part 2 (sequential
 * deletion) trains a second original with five canaries and forgets one per round, each round
 * starting from the previous round's unlearned model.
 *
 * <p>Hyperparameters are chosen per method on a small grid ({@link CanaryGrids}) with a validation
 * split (entries disjoint from the test entries) and the forget set's loss, never with the test
 * perplexity or the exposure that are reported: see {@link CanaryGrids} and {@code docs/canary.md}.
 *
 * <p>Exposure is Carlini et al.'s sampling estimate with M candidates ({@link
 * CanaryExposure#estimate}); every model is scored against the same candidates of a canary (one
 * seed per canary). A method that throws is reported as failed and the others carry on.
 */
final class CanaryScoreboard {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** The task's settings (flags of {@code bin/scoreboard canary}). */
  record Config(int entries, int testEntries, int embedding, int hidden, int epochs,
      int samples, int rounds, List<String> methods, List<String> sequentialMethods, long seed,
      ModelCache cache) {
    static final int CONTEXT = 5;
    static final int BATCH = 256;
    static final double LEARNING_RATE = 5e-3;
    static final double L2 = 1e-6;
    static final int[] REPETITIONS = {1, 4, 16};
    static final int SEQUENTIAL_REPETITIONS = 16;
    static final List<String> DEFAULT_METHODS = List.of("retrain", "finetune", "gradient-ascent",
        "neggrad-plus", "newton", "fisher-removal", "fisher-forgetting");
    static final List<String> DEFAULT_SEQUENTIAL = List.of("fisher-forgetting", "fisher-removal",
        "gradient-ascent", "finetune");

    CharNgramModel model() {
      return CharNgramModel.of(CharVocabulary.standard().size(), CONTEXT, embedding, hidden)
          .withL2(L2);
    }

    TrainingRecipe recipe() {
      return TrainingRecipe.adam(epochs, BATCH, LEARNING_RATE, seed);
    }
  }

  /** The scores of one model: exposure per canary, test perplexity, mean KL to the reference. */
  record Scores(double[] exposure, boolean[] saturated, double testPerplexity, double klTest) {}

  /** One method's outcome in part 1. */
  record MethodRow(String method, Map<String, Object> settings, String selection, Scores scores,
      double cpuSeconds, double wallSeconds, double timeRatio, String failure) {}

  /** One method's state after one round of part 2. */
  record RoundRow(String method, int round, double exposure, boolean saturated,
      double testPerplexity, double referenceExposure, double referencePerplexity,
      String failure) {}

  /** Everything part 1 and part 2 produced. */
  record Outcome(String setup, List<Canary> canaries, Scores original, Scores reference,
      double retrainCpu, double retrainWall, List<MethodRow> rows, List<Canary> sequentialCanaries,
      List<RoundRow> rounds, Map<String, Map<String, Object>> chosen, List<String> grids,
      double seconds) {}

  private final Config c;
  private final PrintStream err;
  private final CharVocabulary vocab = CharVocabulary.standard();
  private final CharNgramModel model;
  private final TrainingRecipe recipe;
  private final Corpus trainText;
  private final Corpus validation;
  private final Corpus test;
  private final INDArray testFeatures;

  CanaryScoreboard(Config c, PrintStream err) {
    this.c = c;
    this.err = err;
    this.model = c.model();
    this.recipe = c.recipe();
    Corpus.Split split = DevilsDictionary.load().split(0.1, c.seed());
    this.trainText = split.train().sample(Math.min(c.entries(), split.train().size()), c.seed());
    // The held-out entries: half for validation (hyperparameter selection), half for test.
    Corpus.Split held = split.test().split(0.5, c.seed() + 1);
    this.validation = held.train().sample(Math.min(c.testEntries(), held.train().size()), c.seed());
    this.test = held.test().sample(Math.min(c.testEntries(), held.test().size()), c.seed());
    this.testFeatures = test.examples(vocab, model.contextLength()).features();
  }

  Outcome run() {
    long start = System.nanoTime();
    for (String m : c.methods()) {
      Unlearners.forName(m);
    }
    for (String m : c.sequentialMethods()) {
      Unlearners.forName(m);
    }
    // ---------- Part 1: one deletion of every canary ----------
    Canaries.Inserted ins = Canaries.insert(trainText, CanaryFormat.standard(), Config.REPETITIONS,
        c.seed());
    Dataset data = ins.corpus().examples(vocab, model.contextLength());
    int[] forget = ForgetSets.groups(data, ins.groups());
    String setup = String.format(Locale.ROOT,
        "%s, p = %d; %d training entries + canaries %s (%d examples, forget %d rows of %d "
            + "documents); validation %d entries, test %d entries (%d characters); %s; exposure "
            + "from M = %d sampled secrets of |R| = %d; seed %d",
        model.name(), model.numParameters(), trainText.size(), Arrays.toString(Config.REPETITIONS),
        data.size(), forget.length, Arrays.stream(Config.REPETITIONS).sum(), validation.size(),
        test.size(), testFeatures.rows(), recipe, c.samples(), CanaryFormat.standard().spaceSize(),
        c.seed());
    say("part 1: %s", setup);
    Trained original = obtain("original", recipe, data, data, new int[0]);
    say("original: %s (%.1f s CPU)", original.fromCache ? "loaded from the cache" : "trained",
        original.entry.cpuSeconds());
    INDArray theta0 = theta(original.entry);
    Trained reference = obtain("retrained", recipe.withSeed(EvaluationHarness.retrainSeed(c.seed(),
        0)), data.without(forget), data, forget);
    say("retrained reference: %s (%.1f s CPU)", reference.fromCache ? "loaded from the cache"
        : "trained", reference.entry.cpuSeconds());
    INDArray thetaR = theta(reference.entry);
    double[][] refProbs = testProbabilities(thetaR);
    Scores originalScores = score(theta0, ins.canaries(), refProbs);
    Scores referenceScores = score(thetaR, ins.canaries(), refProbs);
    say("original exposure %s, test perplexity %.3f; retrained %s, %.3f",
        Arrays.toString(round(originalScores.exposure())), originalScores.testPerplexity(),
        Arrays.toString(round(referenceScores.exposure())), referenceScores.testPerplexity());

    // Hyperparameter selection on the validation split and the forget set's loss.
    Corpus forgetText = Corpus.of(ins.corpus().documents().stream()
        .filter(d -> Arrays.stream(ins.groups()).anyMatch(g -> g == d.group())).toList());
    CanaryGrids.Target target = new CanaryGrids.Target(
        SequenceScores.perplexity(model, thetaR, vocab, validation).perplexity(),
        SequenceScores.perplexity(model, thetaR, vocab, forgetText).meanNll());
    Map<String, Map<String, Object>> chosen = new LinkedHashMap<>();
    Map<String, String> why = new LinkedHashMap<>();
    List<String> methodsToTune = new ArrayList<>(c.methods());
    for (String m : c.rounds() > 0 ? c.sequentialMethods() : List.<String>of()) {
      if (!methodsToTune.contains(m)) {
        methodsToTune.add(m);
      }
    }
    List<String> gridLines = new ArrayList<>();
    for (String m : methodsToTune) {
      List<Map<String, Object>> grid = CanaryGrids.grid(m);
      if (grid.size() <= 1) {
        chosen.put(m, grid.isEmpty() ? Map.of() : grid.get(0));
        why.put(m, "fixed");
        continue;
      }
      List<CanaryGrids.Trial> trials = new ArrayList<>();
      for (Map<String, Object> hp : grid) {
        UnlearningRequest req = UnlearningRequest.builder(model, theta0, data).forgetRows(forget)
            .recipe(recipe).hyperparameters(hp).seed(EvaluationHarness.unlearningSeed(c.seed(), 0))
            .build();
        CanaryGrids.Trial t;
        try {
          INDArray th = Unlearners.forName(m).unlearn(req).parameters();
          t = new CanaryGrids.Trial(hp, SequenceScores.perplexity(model, th, vocab, validation)
              .perplexity(), SequenceScores.perplexity(model, th, vocab, forgetText).meanNll(), null);
        } catch (RuntimeException e) {
          t = new CanaryGrids.Trial(hp, Double.NaN, Double.NaN, e.getClass().getSimpleName() + ": "
              + e.getMessage());
        }
        trials.add(t);
        say("tune %s %s: validation ppl ratio %.4f, forget NLL %.3f (retrained %.3f)%s", m, hp,
            t.validationPerplexity() / target.validationPerplexity(), t.forgetNll(),
            target.forgetNll(), t.failure() == null ? "" : " FAILED " + t.failure());
      }
      CanaryGrids.Selection s = CanaryGrids.select(trials, target);
      chosen.put(m, s.trial().hyperparameters());
      why.put(m, s.reason());
      gridLines.add(CanaryGrids.describe(m, trials, s, target));
    }

    // The runs with the chosen settings.
    List<MethodRow> rows = new ArrayList<>();
    for (String m : c.methods()) {
      Map<String, Object> hp = chosen.get(m);
      UnlearningRequest req = UnlearningRequest.builder(model, theta0, data).forgetRows(forget)
          .recipe(recipe).hyperparameters(hp).seed(EvaluationHarness.unlearningSeed(c.seed(), 0))
          .build();
      long cpu0 = cpuNanos();
      long wall0 = System.nanoTime();
      try {
        UnlearningResult r = Unlearners.forName(m).unlearn(req);
        double cpu = (cpuNanos() - cpu0) * 1e-9;
        double wall = (System.nanoTime() - wall0) * 1e-9;
        Scores s = score(r.parameters(), ins.canaries(), refProbs);
        rows.add(new MethodRow(m, hp, why.get(m), s, cpu, wall, cpu / reference.entry.cpuSeconds(),
            null));
        say("%s %s: exposure %s, test perplexity %.3f, KL %.4g, %.2f s CPU", m, hp,
            Arrays.toString(round(s.exposure())), s.testPerplexity(), s.klTest(), cpu);
      } catch (RuntimeException e) {
        rows.add(new MethodRow(m, hp, why.get(m), null, 0, 0, Double.NaN,
            e.getClass().getSimpleName() + ": " + e.getMessage()));
        say("%s FAILED: %s", m, e.getMessage());
      }
    }

    // ---------- Part 2: sequential deletion ----------
    List<RoundRow> rounds = new ArrayList<>();
    List<Canary> seqCanaries = List.of();
    if (c.rounds() > 0 && !c.sequentialMethods().isEmpty()) {
      int[] reps = new int[c.rounds()];
      Arrays.fill(reps, Config.SEQUENTIAL_REPETITIONS);
      Canaries.Inserted ins2 = Canaries.insert(trainText, CanaryFormat.standard(), reps,
          c.seed() + 1);
      seqCanaries = ins2.canaries();
      Dataset data2 = ins2.corpus().examples(vocab, model.contextLength());
      say("part 2: %d canaries x %d copies, %d examples, %d rounds, methods %s", c.rounds(),
          Config.SEQUENTIAL_REPETITIONS, data2.size(), c.rounds(), c.sequentialMethods());
      Trained original2 = obtain("original", recipe, data2, data2, new int[0]);
      say("sequential original: %s", original2.fromCache ? "loaded from the cache" : "trained");
      Map<String, INDArray> current = new LinkedHashMap<>();
      Map<String, String> failed = new LinkedHashMap<>();
      for (String m : c.sequentialMethods()) {
        current.put(m, theta(original2.entry));
      }
      int[] groups = ins2.groups();
      for (int r = 0; r < c.rounds(); r++) {
        Canary canary = seqCanaries.get(r);
        int[] goneSoFar = ForgetSets.groups(data2, Arrays.copyOf(groups, r + 1));
        int[] goneBefore = r == 0 ? new int[0]
            : ForgetSets.groups(data2, Arrays.copyOf(groups, r));
        Dataset before = r == 0 ? data2 : data2.without(goneBefore);
        Trained ref = obtain("retrained", recipe.withSeed(EvaluationHarness.retrainSeed(c.seed(),
            r)), data2.without(goneSoFar), data2, goneSoFar);
        INDArray thR = theta(ref.entry);
        Exposure.Estimate refExp = exposure(thR, canary, r);
        double refPpl = SequenceScores.perplexity(model, thR, vocab, test).perplexity();
        rounds.add(new RoundRow("retrain", r + 1, refExp.exposure(), refExp.saturated(), refPpl,
            refExp.exposure(), refPpl, null));
        say("round %d reference (%s): exposure %.2f, test perplexity %.3f", r + 1,
            ref.fromCache ? "cached" : "trained", refExp.exposure(), refPpl);
        for (String m : c.sequentialMethods()) {
          if (failed.containsKey(m)) {
            rounds.add(new RoundRow(m, r + 1, Double.NaN, false, Double.NaN, refExp.exposure(),
                refPpl, failed.get(m)));
            continue;
          }
          try {
            UnlearningRequest req = UnlearningRequest.builder(model, current.get(m), before)
                .forgetGroups(canary.group()).recipe(recipe).hyperparameters(chosen.get(m))
                .seed(EvaluationHarness.unlearningSeed(c.seed(), r)).build();
            INDArray th = Unlearners.forName(m).unlearn(req).parameters();
            current.put(m, th);
            Exposure.Estimate e = exposure(th, canary, r);
            double ppl = SequenceScores.perplexity(model, th, vocab, test).perplexity();
            rounds.add(new RoundRow(m, r + 1, e.exposure(), e.saturated(), ppl, refExp.exposure(),
                refPpl, null));
            say("round %d %s: exposure %.2f, test perplexity %.3f", r + 1, m, e.exposure(), ppl);
          } catch (RuntimeException e) {
            String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
            failed.put(m, msg);
            rounds.add(new RoundRow(m, r + 1, Double.NaN, false, Double.NaN, refExp.exposure(),
                refPpl, msg));
            say("round %d %s FAILED: %s", r + 1, m, msg);
          }
        }
      }
    }
    return new Outcome(setup, ins.canaries(), originalScores, referenceScores,
        reference.entry.cpuSeconds(), reference.entry.trainSeconds(), rows, seqCanaries, rounds,
        chosen, gridLines, (System.nanoTime() - start) * 1e-9);
  }

  private record Trained(ModelCache.Entry entry, boolean fromCache) {}

  /** Trains on {@code data} (the {@code full} set without {@code leftOut}) or loads from the cache. */
  private Trained obtain(String kind, TrainingRecipe r, Dataset data, Dataset full, int[] leftOut) {
    String key = ModelCache.key(kind, model, r, full, leftOut);
    var hit = c.cache().load(key, model);
    if (hit.isPresent()) {
      return new Trained(hit.get(), true);
    }
    long cpu0 = cpuNanos();
    TrainingResult t = Trainer.train(model, data, r);
    double cpu = (cpuNanos() - cpu0) * 1e-9;
    ModelCache.Entry e = new ModelCache.Entry(t.parameters().toDoubleVector(), t.cost().seconds(),
        cpu, t.cost().gradientEvaluations(), t.converged());
    c.cache().store(key, ModelCache.describe(kind, model, r, full, leftOut), e);
    return new Trained(e, false);
  }

  private Scores score(INDArray theta, List<Canary> canaries, double[][] refProbs) {
    double[] exp = new double[canaries.size()];
    boolean[] sat = new boolean[canaries.size()];
    for (int i = 0; i < canaries.size(); i++) {
      Exposure.Estimate e = exposure(theta, canaries.get(i), i);
      exp[i] = e.exposure();
      sat[i] = e.saturated();
    }
    double ppl = SequenceScores.perplexity(model, theta, vocab, test).perplexity();
    double kl = Divergence.meanKl(refProbs, testProbabilities(theta));
    return new Scores(exp, sat, ppl, kl);
  }

  /** The exposure of canary {@code index}, always against the same M candidates for that canary. */
  private Exposure.Estimate exposure(INDArray theta, Canary canary, int index) {
    return sampledExposure(model, theta, vocab, CanaryFormat.standard(), canary.secret(),
        c.samples(), c.seed() * 31 + 7 + index);
  }

  /** Softmax of the model's next-character logits on every test example (float64). */
  private double[][] testProbabilities(INDArray theta) {
    double[][] z = model.logits(theta, testFeatures).castTo(DataType.DOUBLE).toDoubleMatrix();
    for (double[] row : z) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : row) {
        max = Math.max(max, v);
      }
      double s = 0;
      for (int j = 0; j < row.length; j++) {
        row[j] = Math.exp(row[j] - max);
        s += row[j];
      }
      for (int j = 0; j < row.length; j++) {
        row[j] /= s;
      }
    }
    return z;
  }

  private INDArray theta(ModelCache.Entry e) {
    return Nd4j.createFromArray(e.parameters());
  }

  private static double[] round(double[] v) {
    return Arrays.stream(v).map(x -> Math.round(x * 100) / 100.0).toArray();
  }

  private static long cpuNanos() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime()
        : System.nanoTime();
  }

  private void say(String format, Object... args) {
    err.println("[canary] " + String.format(Locale.ROOT, format, args));
    err.flush();
  }

  private static Exposure.Estimate sampledExposure(CharNgramModel model, INDArray theta,
      CharVocabulary vocab, CanaryFormat format, int[] secret, int samples, long seed) {
    CanaryScoring.Scored s = CanaryScoring.sample(model, theta, vocab, format, secret, samples, seed);
    return Exposure.estimate(s.canary(), s.candidates(), s.spaceSize());
  }
}

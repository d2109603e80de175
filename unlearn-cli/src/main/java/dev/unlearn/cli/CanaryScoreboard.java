package dev.unlearn.cli;

import dev.unlearn.metrics.score.Exposure;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.TrainingRecipe;
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
import dev.unlearn.metrics.harness.EvaluationHarness;
import dev.unlearn.metrics.harness.EvaluationReport;
import dev.unlearn.metrics.harness.MethodReport;
import dev.unlearn.metrics.harness.Scorer;
import dev.unlearn.metrics.harness.ModelCache;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The scoreboard's {@code canary} task: the canary case study of Gu et al. (2024, arXiv
 * 2403.10557) at toy scale, with exposure as defined by Carlini et al. (2019), run as a task of the
 * {@link EvaluationHarness} (one run loop, one cache, one timing policy with the scoreboard). A
 * character n-gram language model ({@link CharNgramModel}) is trained once on part of the Devil's
 * Dictionary with canaries inserted 1, 4 and 16 times; the canary documents (their group ids) are
 * forgotten by each method, starting from that one original model, and compared with one model
 * retrained without them (the harness with N = 1 and no forgetting quality). The task's scores
 * enter the harness as {@link Scorer}s: exposure per canary and test perplexity; KL on the test
 * text is the harness's own {@code klTest}. Part 2 (sequential deletion) trains a second original
 * with five canaries and forgets one per round, one harness run per round whose variants start
 * from each method's previous result ({@link EvaluationHarness.Builder#variant}) with the seeds of
 * index r ({@link EvaluationHarness.Builder#firstRun}).
 *
 * <p>Hyperparameters are chosen per method on a small grid ({@link CanaryGrids}): every grid point
 * is a variant of one harness run scored on a validation split (entries disjoint from the test
 * entries) and the forget set's loss, never on the test perplexity or the exposure that are
 * reported: see {@link CanaryGrids} and {@code docs/canary.md}.
 *
 * <p>Exposure is Carlini et al.'s sampling estimate with M candidates ({@link Exposure#estimate});
 * every model is scored against the same candidates of a canary (one seed per canary). A method
 * that throws is reported as failed (the harness's FAILED row) and the others carry on.
 */
final class CanaryScoreboard {
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
  private final Dataset testSet;

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
    this.testSet = test.examples(vocab, model.contextLength());
  }

  Outcome run() {
    long start = System.nanoTime();
    for (String m : c.methods()) {
      Unlearners.forName(m);
    }
    for (String m : c.sequentialMethods()) {
      Unlearners.forName(m);
    }
    // Every model below is trained or loaded through one cache: the given one, or one held in
    // memory for this run when the caller disabled it (the tuning and the final runs share the
    // original and the reference, which must not be trained twice).
    ModelCache cache = c.cache().enabled() ? c.cache() : ModelCache.inMemory();
    // ---------- Part 1: one deletion of every canary ----------
    Canaries.Inserted ins = Canaries.insert(trainText, CanaryFormat.standard(), Config.REPETITIONS,
        c.seed());
    Dataset data = ins.corpus().examples(vocab, model.contextLength());
    int forgetRows = ForgetSets.groups(data, ins.groups()).length;
    String setup = String.format(Locale.ROOT,
        "%s, p = %d; %d training entries + canaries %s (%d examples, forget %d rows of %d "
            + "documents); validation %d entries, test %d entries (%d characters); %s; exposure "
            + "from M = %d sampled secrets of |R| = %d; seed %d",
        model.name(), model.numParameters(), trainText.size(), Arrays.toString(Config.REPETITIONS),
        data.size(), forgetRows, Arrays.stream(Config.REPETITIONS).sum(), validation.size(),
        test.size(), testSet.size(), recipe, c.samples(), CanaryFormat.standard().spaceSize(),
        c.seed());
    say("part 1: %s", setup);

    // Hyperparameter selection: every grid point is a variant of one harness run, scored on the
    // validation split and the forget set's loss.
    Corpus forgetText = Corpus.of(ins.corpus().documents().stream()
        .filter(d -> Arrays.stream(ins.groups()).anyMatch(g -> g == d.group())).toList());
    Scorer selection = Scorer.of(List.of(VALIDATION_PERPLEXITY, FORGET_NLL), th -> new double[] {
        SequenceScores.perplexity(model, th, vocab, validation).perplexity(),
        SequenceScores.perplexity(model, th, vocab, forgetText).meanNll()});
    Map<String, Map<String, Object>> chosen = new LinkedHashMap<>();
    Map<String, String> why = new LinkedHashMap<>();
    List<String> methodsToTune = new ArrayList<>(c.methods());
    for (String m : c.rounds() > 0 ? c.sequentialMethods() : List.<String>of()) {
      if (!methodsToTune.contains(m)) {
        methodsToTune.add(m);
      }
    }
    Map<String, List<Map<String, Object>>> grids = new LinkedHashMap<>();
    for (String m : methodsToTune) {
      List<Map<String, Object>> grid = CanaryGrids.grid(m);
      if (grid.size() <= 1) {
        chosen.put(m, grid.isEmpty() ? Map.of() : grid.get(0));
        why.put(m, "fixed");
      } else {
        grids.put(m, grid);
      }
    }
    List<String> gridLines = new ArrayList<>();
    boolean announced = false;
    if (!grids.isEmpty()) {
      EvaluationHarness.Builder tuning = harness(data, cache).forgetGroups(ins.groups())
          .timeRatios(false).scorer(selection);
      grids.forEach((m, grid) -> {
        for (int k = 0; k < grid.size(); k++) {
          tuning.variant(gridLabel(m, k), Unlearners.forName(m), grid.get(k), null);
        }
      });
      EvaluationReport tuned = tuning.build().run();
      announce(tuned);
      announced = true;
      CanaryGrids.Target target = new CanaryGrids.Target(
          tuned.reference().extra(VALIDATION_PERPLEXITY), tuned.reference().extra(FORGET_NLL));
      grids.forEach((m, grid) -> {
        List<CanaryGrids.Trial> trials = new ArrayList<>();
        for (int k = 0; k < grid.size(); k++) {
          MethodReport r = tuned.method(gridLabel(m, k)).orElseThrow();
          CanaryGrids.Trial t = r.ok()
              ? new CanaryGrids.Trial(grid.get(k), mean(r, VALIDATION_PERPLEXITY),
                  mean(r, FORGET_NLL), null)
              : new CanaryGrids.Trial(grid.get(k), Double.NaN, Double.NaN, r.message());
          trials.add(t);
          say("tune %s %s: validation ppl ratio %.4f, forget NLL %.3f (retrained %.3f)%s", m,
              grid.get(k), t.validationPerplexity() / target.validationPerplexity(),
              t.forgetNll(), target.forgetNll(), t.failure() == null ? "" : " FAILED "
                  + t.failure());
        }
        CanaryGrids.Selection sel = CanaryGrids.select(trials, target);
        chosen.put(m, sel.trial().hyperparameters());
        why.put(m, sel.reason());
        gridLines.add(CanaryGrids.describe(m, trials, sel, target));
      });
    }

    // The runs with the chosen settings: one harness run, scored on the canaries and the test text.
    EvaluationHarness.Builder finals = harness(data, cache).forgetGroups(ins.groups())
        .scorer(canaryScorer(ins.canaries(), 0));
    for (String m : c.methods()) {
      finals.variant(m, Unlearners.forName(m), chosen.get(m), null);
    }
    EvaluationReport report = finals.build().run();
    if (!announced) {
      announce(report);
    }
    Scores originalScores = scores(report.original().extra(), report.original().klTest(),
        ins.canaries().size());
    Scores referenceScores = scores(report.reference().extra(), report.reference().klTest(),
        ins.canaries().size());
    say("original exposure %s, test perplexity %.3f; retrained %s, %.3f",
        Arrays.toString(round(originalScores.exposure())), originalScores.testPerplexity(),
        Arrays.toString(round(referenceScores.exposure())), referenceScores.testPerplexity());
    List<MethodRow> rows = new ArrayList<>();
    for (String m : c.methods()) {
      MethodReport r = report.method(m).orElseThrow();
      Map<String, Object> hp = chosen.get(m);
      if (!r.ok()) {
        rows.add(new MethodRow(m, hp, why.get(m), null, 0, 0, Double.NaN, r.message()));
        say("%s FAILED: %s", m, r.message());
        continue;
      }
      Scores s = scores(means(r), r.scores().klTest(), ins.canaries().size());
      rows.add(new MethodRow(m, hp, why.get(m), s, r.cost().cpuSeconds(), r.cost().seconds(),
          r.cost().timeRatio(), null));
      say("%s %s: exposure %s, test perplexity %.3f, KL %.4g, %.2f s CPU", m, hp,
          Arrays.toString(round(s.exposure())), s.testPerplexity(), s.klTest(),
          r.cost().cpuSeconds());
    }

    // ---------- Part 2: sequential deletion, one harness run per round ----------
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
      ModelCache.Obtained original2 = cache.obtain("original", model, recipe, data2, new int[0]);
      say("sequential original: %s", original2.fromCache() ? "loaded from the cache" : "trained");
      INDArray theta2 = Nd4j.createFromArray(original2.entry().parameters())
          .castTo(model.dataType());
      Map<String, INDArray> current = new LinkedHashMap<>();
      Map<String, String> failed = new LinkedHashMap<>();
      for (String m : c.sequentialMethods()) {
        current.put(m, theta2);
      }
      int[] groups = ins2.groups();
      for (int r = 0; r < c.rounds(); r++) {
        int round = r + 1;
        Canary canary = seqCanaries.get(r);
        List<String> live = c.sequentialMethods().stream().filter(m -> !failed.containsKey(m))
            .toList();
        if (live.isEmpty()) {
          say("round %d: every sequential method has failed; the rounds end here", round);
          break;
        }
        // The data before this round: without the canaries forgotten in earlier rounds. Round r
        // uses the harness's seeds of index r (firstRun), so each round has its own reference.
        Dataset before = r == 0 ? data2
            : data2.without(ForgetSets.groups(data2, Arrays.copyOf(groups, r)));
        Map<String, INDArray> next = new java.util.concurrent.ConcurrentHashMap<>();
        EvaluationHarness.Builder b = harness(before, cache).forgetGroups(canary.group())
            .original(theta2).firstRun(r).timeRatios(false)
            .scorer(canaryScorer(List.of(canary), r))
            .onResult((label, run, theta) -> next.put(label, theta));
        for (String m : live) {
          b.variant(m, Unlearners.forName(m), chosen.get(m), current.get(m));
        }
        EvaluationReport rr = b.build().run();
        Scores ref = scores(rr.reference().extra(), 0, 1);
        double refExp = ref.exposure()[0];
        double refPpl = ref.testPerplexity();
        rounds.add(new RoundRow("retrain", round, refExp, ref.saturated()[0], refPpl, refExp,
            refPpl, null));
        say("round %d reference (%s): exposure %.2f, test perplexity %.3f", round,
            rr.timings().retrainedLoaded() > 0 ? "cached" : "trained", refExp, refPpl);
        for (String m : c.sequentialMethods()) {
          MethodReport mr = rr.method(m).orElse(null);
          if (mr == null || !mr.ok()) {
            String msg = mr == null ? failed.get(m) : mr.message();
            failed.putIfAbsent(m, msg);
            rounds.add(new RoundRow(m, round, Double.NaN, false, Double.NaN, refExp, refPpl, msg));
            if (mr != null) {
              say("round %d %s FAILED: %s", round, m, msg);
            }
            continue;
          }
          Scores s = scores(means(mr), Double.NaN, 1);
          current.put(m, next.get(m));
          rounds.add(new RoundRow(m, round, s.exposure()[0], s.saturated()[0],
              s.testPerplexity(), refExp, refPpl, null));
          say("round %d %s: exposure %.2f, test perplexity %.3f", round, m, s.exposure()[0],
              s.testPerplexity());
        }
      }
    }
    return new Outcome(setup, ins.canaries(), originalScores, referenceScores,
        report.retrainCpuSeconds(), report.retrainSeconds(), rows, seqCanaries, rounds, chosen,
        gridLines, (System.nanoTime() - start) * 1e-9);
  }

  private static final String VALIDATION_PERPLEXITY = "validationPerplexity";
  private static final String FORGET_NLL = "forgetNll";
  private static final String TEST_PERPLEXITY = "testPerplexity";

  /** The harness for this task: N = 1 against one retrained reference, no forgetting quality. */
  private EvaluationHarness.Builder harness(Dataset train, ModelCache cache) {
    return EvaluationHarness.builder(model, train, testSet).recipe(recipe).models(1)
        .forgettingQuality(false).seed(c.seed()).cache(cache).progress(err);
  }

  private void announce(EvaluationReport r) {
    say("original: %s", r.timings().originalFromCache() ? "loaded from the cache" : "trained");
    say("retrained reference: %s", r.timings().retrainedLoaded() > 0 ? "loaded from the cache"
        : "trained");
  }

  private static String gridLabel(String method, int point) {
    return method + " #" + point;
  }

  private static double mean(MethodReport r, String score) {
    return r.spread().get(score).mean();
  }

  /** Every score's mean over a method's runs (one run here: its value). */
  private static Map<String, Double> means(MethodReport r) {
    Map<String, Double> m = new LinkedHashMap<>();
    r.spread().forEach((k, v) -> m.put(k, v.mean()));
    return m;
  }

  /**
   * Exposure of each canary (scores "exposure i", always against the same M candidates for that
   * canary: seed rule {@code seed * 31 + 7 + firstIndex + i}), whether it saturated ("saturated
   * i", 1 or 0), and the test perplexity.
   */
  private Scorer canaryScorer(List<Canary> canaries, int firstIndex) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < canaries.size(); i++) {
      names.add("exposure " + i);
      names.add("saturated " + i);
    }
    names.add(TEST_PERPLEXITY);
    return Scorer.of(names, theta -> {
      double[] v = new double[names.size()];
      for (int i = 0; i < canaries.size(); i++) {
        Exposure.Estimate e = exposure(theta, canaries.get(i), firstIndex + i);
        v[2 * i] = e.exposure();
        v[2 * i + 1] = e.saturated() ? 1 : 0;
      }
      v[v.length - 1] = SequenceScores.perplexity(model, theta, vocab, test).perplexity();
      return v;
    });
  }

  /** The {@link Scores} of a model from its {@link #canaryScorer} scores and KL. */
  private static Scores scores(Map<String, Double> s, double klTest, int canaries) {
    double[] exp = new double[canaries];
    boolean[] sat = new boolean[canaries];
    for (int i = 0; i < canaries; i++) {
      exp[i] = s.get("exposure " + i);
      sat[i] = s.get("saturated " + i) > 0.5;
    }
    return new Scores(exp, sat, s.get(TEST_PERPLEXITY), klTest);
  }

  /** The exposure of canary {@code index}, always against the same M candidates for that canary. */
  private Exposure.Estimate exposure(INDArray theta, Canary canary, int index) {
    return sampledExposure(model, theta, vocab, CanaryFormat.standard(), canary.secret(),
        c.samples(), c.seed() * 31 + 7 + index);
  }

  private static double[] round(double[] v) {
    return Arrays.stream(v).map(x -> Math.round(x * 100) / 100.0).toArray();
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

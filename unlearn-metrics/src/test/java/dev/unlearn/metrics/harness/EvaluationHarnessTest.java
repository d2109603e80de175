package dev.unlearn.metrics.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningException;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.data.SyntheticData;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.testkit.Tolerance;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.metrics.forgetting.ForgettingResult;
import dev.unlearn.metrics.forgetting.ForgettingScore;
import dev.unlearn.metrics.forgetting.LogitScaledConfidence;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.w3c.dom.Document;

/**
 * The harness on a tiny synthetic problem (150 rows, 6 features, 3 classes, N = 3), against
 * independent recomputations: the retrained models trained here with the trainer, the unlearning
 * runs repeated here with the public seeds, accuracies and KL computed with plain loops.
 */
class EvaluationHarnessTest {
  static final long DATA_SEED = 11;
  static final long FORGET_SEED = 5;
  static final long HARNESS_SEED = 42;
  static Dataset train;
  static Dataset test;
  static int[] forget;
  static final Model MODEL = LogisticRegression.of(6, 3).withL2(1e-2);
  static final TrainingRecipe LBFGS = TrainingRecipe.lbfgs(1e-9);
  static final TrainingRecipe ADAM = TrainingRecipe.adam(4, 16, 0.05, 3);

  @BeforeAll
  static void data() {
    System.out.printf("data seed %d, forget seed %d, harness seed %d%n", DATA_SEED, FORGET_SEED,
        HARNESS_SEED);
    Split s = SyntheticData.generate(150, 6, 3, DATA_SEED);
    train = s.train();
    test = s.test();
    forget = ForgetSets.random(train, 12, FORGET_SEED);
  }

  static EvaluationHarness.Builder harness(TrainingRecipe recipe, int threads, long seed) {
    return EvaluationHarness.builder(MODEL, train, test).forgetRows(forget).recipe(recipe)
        .models(3).unlearners("retrain", "finetune").threads(threads).seed(seed).progress(null);
  }

  @Test
  void sameSeedGivesIdenticalNumbersWithOneAndTwoThreads() {
    EvaluationReport one = harness(ADAM, 1, HARNESS_SEED).build().run();
    EvaluationReport two = harness(ADAM, 2, HARNESS_SEED).build().run();
    EvaluationReport other = harness(ADAM, 2, HARNESS_SEED + 1).build().run();
    assertThat(two.reference()).isEqualTo(one.reference());
    assertThat(two.original()).isEqualTo(one.original());
    assertThat(two.setup().distinctRetrainedModels()).isEqualTo(3);
    for (int m = 0; m < 2; m++) {
      MethodReport a = one.methods().get(m);
      MethodReport b = two.methods().get(m);
      assertThat(a.ok()).as(a.message()).isTrue();
      assertThat(b.name()).isEqualTo(a.name());
      assertThat(b.scores()).isEqualTo(a.scores());
      assertThat(b.forgetting()).isEqualTo(a.forgetting());
    }
    // A different seed changes the retrained models and the runs (so the test above can fail).
    assertThat(other.reference()).isNotEqualTo(one.reference());
    assertThat(other.methods().get(1).scores()).isNotEqualTo(one.methods().get(1).scores());
  }

  @Test
  void aRunFarmGivesTheNumbersOfTheHarnessThreads() {
    EvaluationReport threads = harness(ADAM, 2, HARNESS_SEED).unlearners("gradient-ascent")
        .build().run();
    java.util.List<String> calls = new java.util.ArrayList<>();
    RunFarm sequential = RunFarm.sequential();
    RunFarm counting = new RunFarm() {
      @Override
      public java.util.List<ModelCache.Entry> train(Model model, Dataset training, int[] leftOut,
          java.util.List<TrainingRecipe> recipes) {
        calls.add("train " + recipes.size());
        return sequential.train(model, training, leftOut, recipes);
      }

      @Override
      public java.util.List<RunFarm.Outcome> unlearn(Model model, Dataset training, int[] rows,
          TrainingRecipe recipe, java.util.List<RunFarm.Job> jobs) {
        calls.add("unlearn " + jobs.size());
        return sequential.unlearn(model, training, rows, recipe, jobs);
      }
    };
    EvaluationReport farmed = harness(ADAM, 2, HARNESS_SEED).unlearners("gradient-ascent")
        .farm(counting).build().run();
    // every retraining and every unlearning run went through the farm: 3 models, then one call
    // per method of 3 runs each
    assertThat(calls).containsExactly("train 3", "unlearn 3", "unlearn 3", "unlearn 3");
    assertThat(farmed.reference()).isEqualTo(threads.reference());
    assertThat(farmed.original()).isEqualTo(threads.original());
    for (int m = 0; m < 3; m++) {
      MethodReport a = threads.methods().get(m);
      MethodReport b = farmed.methods().get(m);
      assertThat(a.ok()).as(a.message()).isTrue();
      assertThat(b.name()).isEqualTo(a.name());
      // per-run values bit for bit (only the timings differ)
      assertThat(b.scores()).isEqualTo(a.scores());
      assertThat(b.forgetting()).isEqualTo(a.forgetting());
    }
    // an unlearner the registry does not know cannot go to a farm (it looks them up by name):
    // its row fails, naming why, and the others run
    EvaluationReport mixed = EvaluationHarness.builder(MODEL, train, test).forgetRows(forget)
        .recipe(LBFGS).models(2).unlearner(new Broken("not-registered", true))
        .unlearners("retrain").progress(null).farm(counting).build().run();
    assertThat(mixed.method("not-registered").orElseThrow().message())
        .contains("is not registered, and a run farm looks unlearners up by name");
    assertThat(mixed.method("retrain").orElseThrow().ok()).isTrue();
  }

  @Test
  void scoresMatchAnIndependentRecomputation() {
    EvaluationReport r = harness(ADAM, 2, HARNESS_SEED).build().run();
    Dataset retain = train.without(forget);
    Dataset forgetSet = train.rows(forget);
    Unlearner finetune = Unlearners.forName("finetune");
    INDArray original = Trainer.train(MODEL, train, ADAM).parameters();
    List<INDArray> u = new ArrayList<>();
    List<INDArray> rt = new ArrayList<>();
    double raU = 0, raR = 0, taU = 0, taR = 0, kl = 0;
    for (int i = 0; i < 3; i++) {
      UnlearningRequest req = UnlearningRequest.builder(MODEL, original, train).forgetRows(forget)
          .recipe(ADAM).seed(EvaluationHarness.unlearningSeed(HARNESS_SEED, i)).build();
      u.add(finetune.unlearn(req).parameters());
      rt.add(Trainer.train(MODEL, retain, ADAM.withSeed(EvaluationHarness.retrainSeed(HARNESS_SEED, i)))
          .parameters());
      raU += accuracy(u.get(i), retain) / 3;
      raR += accuracy(rt.get(i), retain) / 3;
      taU += accuracy(u.get(i), test) / 3;
      taR += accuracy(rt.get(i), test) / 3;
      kl += klByHand(rt.get(i), u.get(i), forgetSet) / 3;
    }
    ForgettingResult f = ForgettingScore.compute(LogitScaledConfidence.matrix(MODEL, u, forgetSet),
        LogitScaledConfidence.matrix(MODEL, rt, forgetSet));
    MethodScores s = r.method("finetune").orElseThrow().scores();
    Tolerance tol = Tolerance.forType(MODEL.dataType());
    assertThat(s.forgettingQuality()).isEqualTo(f.forgettingQuality());
    assertThat(r.method("finetune").orElseThrow().forgetting().epsilons()).isEqualTo(f.epsilons());
    tol.assertClose(s.retainAccuracy(), raU);
    tol.assertClose(r.reference().retainAccuracy(), raR);
    tol.assertClose(s.retainAccuracyRatio(), raU / raR);
    tol.assertClose(s.testAccuracyRatio(), taU / taR);
    tol.assertClose(s.finalScore(), f.forgettingQuality() * raU / raR * taU / taR);
    Tolerance.of(1e-12, 1e-7).assertClose(s.klForget(), kl);
    assertThat(s.klForget()).isGreaterThan(0);
    // the spread of the test accuracy over the 3 runs, by hand: sample sd, t(2) = 4.302653
    double[] ta = new double[3];
    for (int i = 0; i < 3; i++) {
      ta[i] = accuracy(u.get(i), test);
    }
    double m = (ta[0] + ta[1] + ta[2]) / 3;
    double sd = Math.sqrt(((ta[0] - m) * (ta[0] - m) + (ta[1] - m) * (ta[1] - m)
        + (ta[2] - m) * (ta[2] - m)) / 2);
    ScoreSpread spread = r.method("finetune").orElseThrow().spread().get("testAccuracy");
    tol.assertClose(spread.mean(), m);
    tol.assertClose(spread.mean(), s.testAccuracy());
    Tolerance.of(1e-12, 1e-9).assertClose(spread.sd(), sd);
    Tolerance.of(1e-12, 1e-6).assertClose(spread.high() - spread.mean(), 4.302653 * sd / Math.sqrt(3));
    assertThat(r.method("finetune").orElseThrow().spread()).containsKeys("forgettingQuality",
        "retainAccuracyRatio", "klForget", "seconds");
    tol.assertClose(r.method("finetune").orElseThrow().spread().get("klForget").mean(), kl);
  }

  @Test
  void retrainScoresAsRetrainUnderDeterministicLbfgs() {
    EvaluationReport r = harness(LBFGS, 2, HARNESS_SEED).build().run();
    assertThat(r.setup().distinctRetrainedModels()).isEqualTo(1);
    MethodScores s = r.method("retrain").orElseThrow().scores();
    assertThat(s.retainAccuracyRatio()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(s.testAccuracyRatio()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(s.klForget()).isLessThan(1e-12);
    assertThat(s.klTest()).isLessThan(1e-12);
    assertThat(s.parameterDistance()).isLessThan(1e-12);
    // Both samples are one and the same constant per example: no rule survives, epsilon 0, F 1.
    assertThat(r.method("retrain").orElseThrow().forgetting().epsilons()).containsOnly(0.0);
    assertThat(s.forgettingQuality()).isEqualTo(1.0);
    // The retrained optimum: the retain gradient is at the trainer's tolerance.
    assertThat(r.reference().gradientResidual()).isLessThanOrEqualTo(1e-9);
    assertThat(s.gradientResidual()).isLessThanOrEqualTo(1e-9);
    INDArray theta = Trainer.train(MODEL, train.without(forget), LBFGS).parameters();
    Tolerance.forType(MODEL.dataType()).assertClose(r.reference().testAccuracy(),
        accuracy(theta, test));
    // finetune (Adam from the original) does not land on the optimum: KL and residual are positive.
    MethodScores ft = r.method("finetune").orElseThrow().scores();
    assertThat(ft.klForget()).isGreaterThan(1e-6);
    assertThat(ft.gradientResidual()).isGreaterThan(1e-6);
    assertThat(r.method("retrain").orElseThrow().cost().timeRatio()).isGreaterThan(0);
  }

  @Test
  void secondRunLoadsTheRetrainedModelsFromTheCache(@TempDir Path dir) throws Exception {
    EvaluationReport first = harness(ADAM, 2, HARNESS_SEED).cache(dir).build().run();
    assertThat(first.timings().retrainedTrained()).isEqualTo(3);
    assertThat(first.timings().retrainedLoaded()).isZero();
    assertThat(first.timings().originalFromCache()).isFalse();
    try (var files = Files.list(dir)) {
      assertThat(files.filter(p -> p.toString().endsWith(".bin")).count()).isEqualTo(4);
    }
    EvaluationReport second = harness(ADAM, 2, HARNESS_SEED).cache(dir).build().run();
    assertThat(second.timings().retrainedTrained()).isZero();
    assertThat(second.timings().retrainedLoaded()).isEqualTo(3);
    assertThat(second.timings().originalFromCache()).isTrue();
    assertThat(second.reference()).isEqualTo(first.reference());
    // the reference time is re-measured warm on every run (not taken from the cache), see
    // EvaluationHarness: only the models and the scores are reused
    assertThat(second.retrainSeconds()).isPositive();
    for (int m = 0; m < 2; m++) {
      assertThat(second.methods().get(m).scores()).isEqualTo(first.methods().get(m).scores());
    }
    // The stored parameters are what the trainer produces.
    Dataset retain = train.without(forget);
    TrainingRecipe r0 = ADAM.withSeed(EvaluationHarness.retrainSeed(HARNESS_SEED, 0));
    String key = ModelCache.key("retrained", MODEL, r0, train, forget);
    double[] cached = ModelCache.in(dir).load(key, MODEL).orElseThrow().parameters();
    assertThat(cached).isEqualTo(Trainer.train(MODEL, retain, r0).parameters().toDoubleVector());
    // A damaged file is a miss, not an error.
    Files.write(dir.resolve(key + ".bin"), new byte[] {1, 2, 3});
    assertThat(ModelCache.in(dir).load(key, MODEL)).isEmpty();
    EvaluationReport third = harness(ADAM, 2, HARNESS_SEED).cache(dir).build().run();
    assertThat(third.timings().retrainedTrained()).isEqualTo(1);
    assertThat(third.reference()).isEqualTo(first.reference());
  }

  @Test
  void aCacheFileChangedAfterItWasWrittenIsRetrainedAndRewritten(@TempDir Path dir)
      throws Exception {
    // Before: flipping two payload bytes turned a parameter into 6.5e306 and the file still
    // loaded as a hit; a NaN payload loaded too. Now every byte is under a SHA-256.
    EvaluationReport first = harness(LBFGS, 2, HARNESS_SEED).cache(dir).build().run();
    TrainingRecipe r0 = LBFGS.withSeed(EvaluationHarness.retrainSeed(HARNESS_SEED, 0));
    String key = ModelCache.key("retrained", MODEL, r0, train, forget);
    Path file = dir.resolve(key + ".bin");
    byte[] good = Files.readAllBytes(file);
    double[] stored = ModelCache.in(dir).load(key, MODEL).orElseThrow().parameters();
    int payload = good.length - 32 - 8 * MODEL.numParameters(); // the first parameter's bytes
    byte[] flipped = good.clone();
    flipped[payload] ^= 0x7f;
    flipped[payload + 1] ^= 0x01;
    byte[] nan = good.clone();
    java.nio.ByteBuffer.wrap(nan).putDouble(payload, Double.NaN);
    for (byte[] damaged : new byte[][] {flipped, nan}) {
      Files.write(file, damaged);
      assertThat(ModelCache.in(dir).load(key, MODEL)).isEmpty();
      EvaluationReport again = harness(LBFGS, 2, HARNESS_SEED).cache(dir).build().run();
      assertThat(again.timings().retrainedTrained()).isEqualTo(1);
      assertThat(again.methods().get(0).scores()).isEqualTo(first.methods().get(0).scores());
      // Rewritten: it loads again, with the parameters first written (times are re-measured).
      assertThat(ModelCache.in(dir).load(key, MODEL).orElseThrow().parameters())
          .isEqualTo(stored);
    }
    // Bytes appended after the checksum are damage too.
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    Files.write(file, longer);
    assertThat(ModelCache.in(dir).load(key, MODEL)).isEmpty();
  }

  @Test
  void cacheKeyDependsOnWhatDeterminesTheModel() {
    String base = ModelCache.key("retrained", MODEL, ADAM, train, forget);
    assertThat(ModelCache.key("retrained", MODEL, ADAM, train, forget.clone())).isEqualTo(base);
    int[] other = forget.clone();
    other[0] = other[0] == 0 ? 1 : other[0] - 1;
    if (Arrays.stream(forget).anyMatch(x -> x == other[0])) {
      other[0] = 149;
    }
    assertThat(ModelCache.key("retrained", MODEL, ADAM, train, other)).isNotEqualTo(base);
    assertThat(ModelCache.key("retrained", MODEL, ADAM.withEpochs(5), train, forget))
        .isNotEqualTo(base);
    assertThat(ModelCache.key("retrained", MODEL, ADAM.withSeed(4), train, forget))
        .isNotEqualTo(base);
    assertThat(ModelCache.key("retrained", MODEL.withL2(2e-2), ADAM, train, forget))
        .isNotEqualTo(base);
    assertThat(ModelCache.key("original", MODEL, ADAM, train, forget)).isNotEqualTo(base);
    Dataset changed = SyntheticData.generate(150, 6, 3, DATA_SEED + 1).train();
    assertThat(ModelCache.key("retrained", MODEL, ADAM, changed, forget)).isNotEqualTo(base);
    // L-BFGS from zeros cannot depend on the seed: one key, one model.
    assertThat(ModelCache.key("retrained", MODEL, LBFGS.withSeed(9), train, forget))
        .isEqualTo(ModelCache.key("retrained", MODEL, LBFGS.withSeed(1), train, forget));
  }

  @Test
  void failingAndUnsupportedUnlearnersAreRecordedWithoutStoppingTheOthers() {
    EvaluationReport r = EvaluationHarness.builder(MODEL, train, test).forgetRows(forget)
        .recipe(LBFGS).models(2).unlearner(new Broken("always-fails", true))
        .unlearner(new Broken("never-supported", false)).unlearners("retrain").progress(null)
        .build().run();
    MethodReport failed = r.method("always-fails").orElseThrow();
    assertThat(failed.status()).isEqualTo(MethodReport.Status.FAILED);
    assertThat(failed.message()).contains("boom at seed");
    assertThat(failed.scores()).isNull();
    assertThat(r.method("never-supported").orElseThrow().status())
        .isEqualTo(MethodReport.Status.UNSUPPORTED);
    assertThat(r.method("retrain").orElseThrow().ok()).isTrue();
    assertThat(r.methods()).extracting(MethodReport::name)
        .containsExactly("always-fails", "never-supported", "retrain");
  }

  @Test
  void aPluginThatReturnsAnInvalidResultIsAFailedRowNamingItAndTheRunGoesOn() {
    // Before: NaN parameters aborted the whole run with "theta[0] (NaN) must be finite", naming
    // no plugin, because the result was checked outside the per-run error handler.
    EvaluationReport r = EvaluationHarness.builder(MODEL, train, test).forgetRows(forget)
        .recipe(LBFGS).models(2).unlearner(new Broken("returns-nan", true, "nan"))
        .unlearner(new Broken("returns-null", true, "null"))
        .unlearner(new Broken("returns-short", true, "short")).unlearners("retrain").progress(null)
        .build().run();
    for (String[] c : new String[][] {{"returns-nan", "theta[0] (NaN) must be finite"},
        {"returns-null", "invalid result: null"}, {"returns-short", "parameters shape ([3])"}}) {
      MethodReport m = r.method(c[0]).orElseThrow();
      assertThat(m.status()).as(c[0]).isEqualTo(MethodReport.Status.FAILED);
      assertThat(m.message()).as(c[0]).contains("'" + c[0] + "'")
          .contains(Broken.class.getName()).contains(c[1]);
    }
    assertThat(r.method("retrain").orElseThrow().ok()).isTrue();
  }

  @Test
  void badConfigurationFailsFast() {
    assertThatThrownBy(() -> EvaluationHarness.builder(MODEL, train, test).models(0))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("models (0) must be >= 1");
    assertThatThrownBy(() -> harness(LBFGS, 1, 0).models(1).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("models (1) must be >= 2 when the forgetting quality is computed");
    assertThatThrownBy(() -> harness(LBFGS, 1, 0).scorer(Scorer.of(List.of("klTest"),
        t -> new double[1]))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("scorer name klTest must differ");
    assertThatThrownBy(() -> harness(LBFGS, 1, 0).variant("finetune", Unlearners.forName(
        "finetune"), Map.of(), null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("finetune must not be given twice");
    assertThatThrownBy(() -> harness(LBFGS, 1, 0).original(org.nd4j.linalg.factory.Nd4j
        .zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 5))).isInstanceOf(
        InvalidInputException.class).hasMessageContaining("original parameters shape ([5])");
    assertThatThrownBy(() -> harness(LBFGS, 1, 0).forgetRows().build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> harness(LBFGS, 1, 0).forgetRows(0, 0).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("listed twice");
    assertThatThrownBy(() -> harness(LBFGS, 1, 0).unlearners("retrain").build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("given twice");
    assertThatThrownBy(() -> harness(LBFGS, 1, 0)
        .hyperparameters("finetune", Map.of("epochs", -3)).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("epochs (-3)");
    assertThatThrownBy(() -> harness(LBFGS, 1, 0).threads(0))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("threads (0)");
  }

  @Test
  void aTaskWithItsOwnScorersVariantsAndStartsMatchesRunsByHand() {
    // The canary task's use of the harness: N = 1, no forgetting quality, a given original, a
    // scorer, the same unlearner under two labels (one starting from a given point), seeds of
    // index 2. Oracle: the same runs made here with the public seed rules.
    INDArray original = Trainer.train(MODEL, train, ADAM.withSeed(99)).parameters();
    INDArray start = original.add(0.05);
    Scorer norm = Scorer.of(List.of("norm", "first"), t -> new double[] {
        t.norm2Number().doubleValue(), t.getDouble(0)});
    Map<String, INDArray> seen = new java.util.concurrent.ConcurrentHashMap<>();
    Unlearner finetune = Unlearners.forName("finetune");
    EvaluationReport r = EvaluationHarness.builder(MODEL, train, test).forgetRows(forget)
        .recipe(ADAM).models(1).forgettingQuality(false).timeRatios(false).original(original)
        .firstRun(2).seed(HARNESS_SEED).scorer(norm).progress(null)
        .variant("ft-1", finetune, Map.of("epochs", 1), null)
        .variant("ft-3", finetune, Map.of("epochs", 3), start)
        .onResult((label, run, theta) -> seen.put(label + "#" + run, theta.dup())).build().run();
    long s = EvaluationHarness.unlearningSeed(HARNESS_SEED, 2);
    INDArray byHand1 = finetune.unlearn(UnlearningRequest.builder(MODEL, original, train)
        .forgetRows(forget).recipe(ADAM).hyperparameters(Map.of("epochs", 1)).seed(s).build())
        .parameters();
    INDArray byHand3 = finetune.unlearn(UnlearningRequest.builder(MODEL, start, train)
        .forgetRows(forget).recipe(ADAM).hyperparameters(Map.of("epochs", 3)).seed(s).build())
        .parameters();
    INDArray retrained = Trainer.train(MODEL, train.without(forget),
        ADAM.withSeed(EvaluationHarness.retrainSeed(HARNESS_SEED, 2))).parameters();
    assertThat(seen.keySet()).containsExactlyInAnyOrder("ft-1#0", "ft-3#0");
    assertThat(seen.get("ft-1#0").toDoubleVector()).isEqualTo(byHand1.toDoubleVector());
    assertThat(seen.get("ft-3#0").toDoubleVector()).isEqualTo(byHand3.toDoubleVector());
    assertThat(r.methods()).extracting(MethodReport::name).containsExactly("ft-1", "ft-3");
    MethodReport one = r.method("ft-1").orElseThrow();
    MethodReport three = r.method("ft-3").orElseThrow();
    assertThat(one.ok()).as(one.message()).isTrue();
    assertThat(one.hyperparameters()).containsEntry("epochs", 1);
    assertThat(three.hyperparameters()).containsEntry("epochs", 3);
    assertThat(one.spread().get("norm").mean()).isEqualTo(byHand1.norm2Number().doubleValue());
    assertThat(three.spread().get("norm").mean()).isEqualTo(byHand3.norm2Number().doubleValue());
    assertThat(three.spread().get("first").mean()).isEqualTo(byHand3.getDouble(0));
    assertThat(r.original().extra("norm")).isEqualTo(original.norm2Number().doubleValue());
    assertThat(r.reference().extra("norm")).isEqualTo(retrained.norm2Number().doubleValue());
    Tolerance.of(1e-12, 1e-7).assertClose(r.original().klTest(), klByHand(retrained, original,
        test));
    Tolerance.of(1e-12, 1e-7).assertClose(r.original().klForget(), klByHand(retrained, original,
        train.rows(forget)));
    assertThat(r.original().klTest()).isGreaterThan(1e-6);
    assertThat(r.reference().klTest()).isZero();
    Tolerance.forType(MODEL.dataType()).assertClose(r.reference().testAccuracy(),
        accuracy(retrained, test));
    // Movement is measured from each variant's own start.
    double moved = byHand3.sub(start).norm2Number().doubleValue()
        / start.norm2Number().doubleValue();
    Tolerance.of(1e-12, 1e-12).assertClose(three.spread().get("parameterMovement").mean(), moved);
    assertThat(one.forgetting()).isNull();
    assertThat(one.scores().forgettingQuality()).isNaN();
    assertThat(one.cost().timeRatio()).isNaN();
    assertThat(one.spread()).doesNotContainKey("forgettingQuality");
    assertThat(r.timings().originalFromCache()).isFalse();
  }

  @Test
  void aResultListenerThatThrowsIsAFailedRowAndTheRunGoesOn() {
    EvaluationReport r = harness(ADAM, 1, HARNESS_SEED).onResult((label, run, theta) -> {
      if (label.equals("finetune")) {
        throw new IllegalStateException("disk full");
      }
    }).build().run();
    assertThat(r.method("finetune").orElseThrow().status()).isEqualTo(MethodReport.Status.FAILED);
    assertThat(r.method("finetune").orElseThrow().message()).contains("the result listener failed")
        .contains("disk full");
    assertThat(r.method("retrain").orElseThrow().ok()).isTrue();
  }

  @Test
  void anInMemoryCacheTrainsEachModelOnceAcrossRuns() {
    ModelCache cache = ModelCache.inMemory();
    EvaluationReport first = harness(ADAM, 1, HARNESS_SEED).cache(cache).build().run();
    EvaluationReport second = harness(ADAM, 1, HARNESS_SEED).cache(cache).build().run();
    assertThat(first.timings().retrainedTrained()).isEqualTo(3);
    assertThat(second.timings().retrainedLoaded()).isEqualTo(3);
    assertThat(second.timings().originalFromCache()).isTrue();
    assertThat(second.reference()).isEqualTo(first.reference());
    assertThat(second.method("finetune").orElseThrow().scores())
        .isEqualTo(first.method("finetune").orElseThrow().scores());
    assertThat(ModelCache.disabled().enabled()).isFalse();
    assertThat(cache.enabled()).isTrue();
  }

  @Test
  void jsonAndCsvReadBackToTheReport(@TempDir Path dir) throws Exception {
    EvaluationReport r = harness(ADAM, 2, HARNESS_SEED)
        .unlearner(new Broken("always-fails", true)).build().run();
    List<Path> files = ReportWriters.writeAll(r, forget, dir);
    assertThat(files).hasSize(3);
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) MiniJson.parse(
        Files.readString(dir.resolve("report.json")));
    assertThat(json).containsKeys("setup", "original", "reference", "retrainSeconds", "methods",
        "timings");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> methods = (List<Map<String, Object>>) json.get("methods");
    assertThat(methods).hasSize(3);
    MethodReport ft = r.method("finetune").orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> scores = (Map<String, Object>) methods.get(1).get("scores");
    for (var c : MethodScores.class.getRecordComponents()) {
      assertThat(scores).containsKey(c.getName());
      assertThat((Double) scores.get(c.getName())).as(c.getName())
          .isEqualTo((Double) c.getAccessor().invoke(ft.scores()));
    }
    @SuppressWarnings("unchecked")
    List<Object> eps = (List<Object>) ((Map<String, Object>) methods.get(1).get("forgetting"))
        .get("epsilons");
    assertThat(eps.stream().mapToDouble(o -> (Double) o).toArray())
        .isEqualTo(ft.forgetting().epsilons());
    assertThat(methods.get(2).get("status")).isEqualTo("FAILED");
    assertThat(methods.get(2).get("scores")).isNull();
    assertThat((String) methods.get(2).get("message")).contains("boom");

    List<List<String>> csv = parseCsv(Files.readString(dir.resolve("scores.csv")));
    assertThat(csv.get(0)).isEqualTo(ReportWriters.SCORE_COLUMNS);
    assertThat(csv).hasSize(1 + 2 + 3);
    for (List<String> row : csv) {
      assertThat(row).hasSize(ReportWriters.SCORE_COLUMNS.size());
    }
    List<String> ftRow = csv.get(4);
    assertThat(ftRow.get(0)).isEqualTo("finetune");
    assertThat(Double.parseDouble(ftRow.get(ReportWriters.SCORE_COLUMNS.indexOf("final_score"))))
        .isEqualTo(ft.scores().finalScore());
    assertThat(Double.parseDouble(ftRow.get(ReportWriters.SCORE_COLUMNS.indexOf("kl_test"))))
        .isEqualTo(ft.scores().klTest());
    assertThat(csv.get(5).get(ReportWriters.SCORE_COLUMNS.size() - 1)).contains("boom at seed");
    List<List<String>> epsCsv = parseCsv(Files.readString(dir.resolve("epsilons.csv")));
    assertThat(epsCsv).hasSize(1 + 2 * forget.length);
    assertThat(Integer.parseInt(epsCsv.get(1 + forget.length + 3).get(2))).isEqualTo(forget[3]);
  }

  @Test
  void svgChartsAreWellFormedXml(@TempDir Path dir) throws Exception {
    EvaluationReport r = harness(ADAM, 2, HARNESS_SEED)
        .unlearner(new Broken("a<b&\"c\"", true)).build().run();
    List<Path> files = SvgCharts.writeAll(r, dir);
    assertThat(files).hasSize(3);
    var factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    for (Path f : files) {
      Document d = factory.newDocumentBuilder().parse(f.toFile());
      assertThat(d.getDocumentElement().getLocalName()).isEqualTo("svg");
      assertThat(d.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    }
    Document hist = factory.newDocumentBuilder().parse(files.get(0).toFile());
    // One bar per bin: 2E + 1 bins per method (E = ceil(ln 2) = 1), plus the background and frames.
    int bars = hist.getElementsByTagName("rect").getLength();
    assertThat(bars).isEqualTo(1 + 2 * (1 + 3));
    Document scatter = factory.newDocumentBuilder().parse(files.get(1).toFile());
    assertThat(scatter.getElementsByTagName("circle").getLength()).isEqualTo(2);
    // A report whose only method failed still gives valid documents.
    EvaluationReport none = EvaluationHarness.builder(MODEL, train, test).forgetRows(forget)
        .recipe(LBFGS).models(2).unlearner(new Broken("x", true)).progress(null).build().run();
    factory.newDocumentBuilder().parse(new ByteArrayInputStream(
        SvgCharts.scoreVersusTime(none).getBytes(StandardCharsets.UTF_8)));
    factory.newDocumentBuilder().parse(new ByteArrayInputStream(
        SvgCharts.epsilonHistograms(none).getBytes(StandardCharsets.UTF_8)));
    factory.newDocumentBuilder().parse(new ByteArrayInputStream(
        SvgCharts.forgettingVersusUtility(none).getBytes(StandardCharsets.UTF_8)));
    // forgetting vs utility: per OK method a point and two error bars in its spreads' coordinates
    Document fu = factory.newDocumentBuilder().parse(files.get(2).toFile());
    assertThat(fu.getElementsByTagName("circle").getLength()).isEqualTo(2);
  }

  @Test
  void scoreVersusTimeLabelsNeverOverlapEvenWhenThePointsDo() throws Exception {
    // six methods that all score F = 0 at about the same cost: their points nearly coincide
    EvaluationReport r = EvaluationHarness.builder(MODEL, train, test).forgetRows(forget)
        .recipe(LBFGS).models(2).unlearners("finetune", "gradient-ascent", "random-label",
            "neggrad-plus", "erase-repair", "scrub").progress(null).build().run();
    var factory = DocumentBuilderFactory.newInstance();
    Document d = factory.newDocumentBuilder().parse(new ByteArrayInputStream(
        SvgCharts.scoreVersusTime(r).getBytes(StandardCharsets.UTF_8)));
    var texts = d.getElementsByTagName("text");
    List<Double> ys = new ArrayList<>();
    for (int i = 0; i < texts.getLength(); i++) {
      var t = (org.w3c.dom.Element) texts.item(i);
      if (r.method(t.getTextContent()).isPresent()) {
        ys.add(Double.parseDouble(t.getAttribute("y")));
      }
    }
    assertThat(ys).hasSize(6);
    ys.sort(null);
    for (int i = 1; i < ys.size(); i++) {
      assertThat(ys.get(i) - ys.get(i - 1)).as("labels %d and %d", i - 1, i)
          .isGreaterThanOrEqualTo(SvgCharts.LABEL_SPACING - 0.11); // written to 0.1 px
    }
  }

  static double accuracy(INDArray theta, Dataset d) {
    double[][] z = MODEL.logits(theta, d.features()).toDoubleMatrix();
    int ok = 0;
    for (int i = 0; i < z.length; i++) {
      int best = 0;
      for (int j = 1; j < z[i].length; j++) {
        if (z[i][j] > z[i][best]) {
          best = j;
        }
      }
      ok += best == d.label(i) ? 1 : 0;
    }
    return ok / (double) z.length;
  }

  static double klByHand(INDArray thetaP, INDArray thetaQ, Dataset d) {
    double[][] a = MODEL.logits(thetaP, d.features()).toDoubleMatrix();
    double[][] b = MODEL.logits(thetaQ, d.features()).toDoubleMatrix();
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double[] p = softmax(a[i]);
      double[] q = softmax(b[i]);
      for (int j = 0; j < p.length; j++) {
        sum += p[j] * Math.log(p[j] / q[j]);
      }
    }
    return sum / a.length;
  }

  static double[] softmax(double[] z) {
    double s = 0;
    double[] e = new double[z.length];
    for (int j = 0; j < z.length; j++) {
      e[j] = Math.exp(z[j]);
      s += e[j];
    }
    for (int j = 0; j < z.length; j++) {
      e[j] /= s;
    }
    return e;
  }

  /** RFC 4180 with quoted fields; rows end in CRLF. */
  static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        row.add(cell.toString());
        cell.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        i++;
      } else {
        cell.append(c);
      }
    }
    assertThat(cell.length()).as("text after the last row").isZero();
    return rows;
  }

  /**
   * A test unlearner that supports nothing, or fails: it throws ({@code "throw"}) or returns NaN
   * parameters ({@code "nan"}), null ({@code "null"}) or a vector of the wrong length
   * ({@code "short"}).
   */
  record Broken(String name, boolean supportsModels, String kind) implements Unlearner {
    Broken(String name, boolean supportsModels) {
      this(name, supportsModels, "throw");
    }

    @Override
    public String description() {
      return "test double";
    }

    @Override
    public List<Hyperparameter<?>> hyperparameters() {
      return List.of();
    }

    @Override
    public boolean supports(Model model) {
      return supportsModels;
    }

    @Override
    public UnlearningResult unlearn(UnlearningRequest request) {
      INDArray theta = request.parameters().dup();
      Cost cost = new Cost(1, 0, 0, 0, 0);
      switch (kind) {
        case "nan":
          theta.putScalar(0, Double.NaN);
          return UnlearningResult.of(theta, cost);
        case "null":
          return null;
        case "short":
          return UnlearningResult.of(
              theta.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3)).dup(), cost);
        default:
          throw new UnlearningException("boom at seed " + request.seed() + ", with a \"quote\", "
              + "comma");
      }
    }
  }
}

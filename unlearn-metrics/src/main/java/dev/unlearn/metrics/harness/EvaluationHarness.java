package dev.unlearn.metrics.harness;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.HyperparameterValues;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.model.Logits;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.metrics.forgetting.CompetitionScore;
import dev.unlearn.metrics.forgetting.ForgettingResult;
import dev.unlearn.metrics.forgetting.ForgettingScore;
import dev.unlearn.metrics.forgetting.LogitScaledConfidence;
import dev.unlearn.metrics.score.Divergence;
import dev.unlearn.metrics.score.MembershipInference;
import dev.unlearn.metrics.score.ParameterDistance;
import dev.unlearn.metrics.score.Utility;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The evaluation harness of docs/metrics.md (the protocol of the NeurIPS 2023 unlearning
 * competition, Triantafillou et al., arXiv 2406.09073): trains the original model once, runs every
 * unlearner N times from it, obtains N models retrained without the forget set (trained once, then
 * cached on disk), and computes every score into an {@link EvaluationReport}.
 *
 * <pre>{@code
 * EvaluationReport r = EvaluationHarness.builder(model, train, test)
 *     .forgetRows(ForgetSets.randomFraction(train, 0.1, 0)).recipe(TrainingRecipe.lbfgs(1e-6))
 *     .models(16).unlearners("retrain", "finetune").threads(2).seed(0)
 *     .cache(Path.of("unlearn-out/cache")).build().run();
 * }</pre>
 *
 * <p>Seeds: retrained model i trains with {@code recipe.withSeed(s_r(i))} and unlearning run i of
 * every method gets request seed {@code s_u(i)}, both derived from {@link Builder#seed} by SplitMix64
 * (so adding a method changes no other method's numbers). The original trains with the recipe as
 * given. Unlearning run i is compared with retrained model i (KL, JS, parameter distance); the
 * logistic attack of run i and of retrained model i share one subsampling seed.
 *
 * <p>Models are trained and unlearned in parallel on a fixed pool of {@link Builder#threads}
 * threads; results are gathered by index, never by completion order, so every number except the wall
 * times is the same for a given seed whatever the thread count (assuming, as the trainer does, that
 * ND4J runs each operation single-threaded: {@code OMP_NUM_THREADS=1}). Progress goes to {@link
 * Builder#progress} (standard error by default): one line per finished model with counts and an
 * estimate of the time left. An unlearner that does not support the model is reported as {@code
 * UNSUPPORTED}; one whose run throws is reported as {@code FAILED} with the message (its remaining
 * runs are skipped) and the others carry on. Failures of the original or retrained training end the
 * run with their exception.
 *
 * <p>Bad configuration fails in {@link Builder#build()} with {@link InvalidInputException}: N &lt; 2,
 * no unlearners, duplicate unlearner names, unknown or out-of-range hyperparameters, empty or
 * out-of-range forget rows, test data of another width or class count, threads &lt; 1.
 */
public final class EvaluationHarness {
  private final Model model;
  private final Dataset train;
  private final Dataset test;
  private final int[] forget;
  private final TrainingRecipe recipe;
  private final int numModels;
  private final List<Method> methods;
  private final Map<String, Map<String, Object>> hyperparameters;
  private final int threads;
  private final long seed;
  private final ModelCache cache;
  private final PrintStream progress;
  private final List<Scorer> scorers;
  private final List<String> extraNames;
  private final boolean forgettingQuality;
  private final boolean timeRatios;
  private final INDArray givenOriginal;
  private final int firstRun;
  private final ResultListener onResult;
  private final RunFarm farm;

  /** One method to run: a label (the unlearner's name unless given), the unlearner, its start. */
  private record Method(String label, Unlearner unlearner, INDArray start) {}

  /**
   * Receives every unlearning run's parameters as it finishes (for example to keep them for a
   * next round); called from the harness's threads.
   */
  @FunctionalInterface
  public interface ResultListener {
    /** Run {@code run} (0-based, before {@link Builder#firstRun}) of method {@code label}. */
    void finished(String label, int run, INDArray parameters);
  }

  private EvaluationHarness(Builder b, int[] forget) {
    this.model = b.model;
    this.train = b.train;
    this.test = b.test;
    this.forget = forget;
    this.recipe = b.recipe;
    this.numModels = b.numModels;
    this.methods = List.copyOf(b.methods);
    this.hyperparameters = Map.copyOf(b.hyperparameters);
    this.threads = b.threads;
    this.seed = b.seed;
    this.cache = b.cache;
    this.progress = b.progress;
    this.scorers = List.copyOf(b.scorers);
    this.extraNames = scorers.stream().flatMap(sc -> sc.names().stream()).toList();
    this.forgettingQuality = b.forgettingQuality;
    this.timeRatios = b.timeRatios;
    this.givenOriginal = b.original == null ? null : b.original.dup();
    this.firstRun = b.firstRun;
    this.onResult = b.onResult;
    this.farm = b.farm;
  }

  /** A builder for the given model family, training data and test data. */
  public static Builder builder(Model model, Dataset train, Dataset test) {
    return new Builder(model, train, test);
  }

  /** The forget rows, ascending (a copy). */
  public int[] forgetRows() {
    return forget.clone();
  }

  /** The seed of retrained model {@code i}'s recipe. */
  public static long retrainSeed(long seed, int i) {
    return Seeds.derive(seed, Seeds.RETRAINED, i);
  }

  /** The request seed of unlearning run {@code i} (the same for every method). */
  public static long unlearningSeed(long seed, int i) {
    return Seeds.derive(seed, Seeds.UNLEARNING, i);
  }

  /** Runs the evaluation (see the class comment). */
  public EvaluationReport run() {
    long start = System.nanoTime();
    Dataset retain = train.without(forget);
    Dataset forgetSet = train.rows(forget);
    String dataHash = ModelCache.contentHash(train);
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "unlearn-harness");
      t.setDaemon(true);
      return t;
    });
    try {
      // 1. The original model.
      long t0 = System.nanoTime();
      ModelCache.Obtained original = givenOriginal != null ? null
          : cache.obtain("original", model, recipe, train, new int[0]);
      double originalSeconds = seconds(t0);
      say("original %s: %s (%.2f s)", model.name(), original == null ? "given"
          : original.fromCache() ? "loaded from cache" : "trained", originalSeconds);
      INDArray theta0 = original == null ? givenOriginal.castTo(model.dataType()).dup()
          : toModel(original.entry().parameters());
      double[] theta0Double = theta0.castTo(DataType.DOUBLE).toDoubleVector();
      Evaluator ev = new Evaluator(retain, forgetSet);

      // 2. The retrained models: one per distinct key, then N evaluations.
      long t1 = System.nanoTime();
      String[] keys = new String[numModels];
      Map<String, Integer> distinct = new LinkedHashMap<>();
      List<TrainingRecipe> distinctRecipes = new ArrayList<>();
      for (int i = 0; i < numModels; i++) {
        TrainingRecipe r = recipe.withSeed(retrainSeed(seed, firstRun + i));
        keys[i] = ModelCache.key("retrained", model, r, train, forget);
        if (!distinct.containsKey(keys[i])) {
          distinct.put(keys[i], distinct.size());
          distinctRecipes.add(r);
        }
      }
      Progress pr = new Progress("retrained", distinctRecipes.size());
      List<Callable<ModelCache.Obtained>> trainTasks = new ArrayList<>();
      for (TrainingRecipe r : distinctRecipes) {
        trainTasks.add(() -> {
          ModelCache.Obtained o = cache.obtain("retrained", model, r, train, forget);
          pr.tick(o.fromCache() ? "loaded" : "trained");
          return o;
        });
      }
      List<ModelCache.Obtained> retrainedDistinct = farm == null ? invokeAll(pool, trainTasks)
          : retrainOnFarm(distinct, distinctRecipes, pr);
      int loaded = 0;
      double recordedSeconds = 0;
      double recordedCpu = 0;
      double recordedGe = 0;
      for (ModelCache.Obtained o : retrainedDistinct) {
        loaded += o.fromCache() ? 1 : 0;
        recordedSeconds += o.entry().trainSeconds();
        recordedCpu += o.entry().cpuSeconds();
        recordedGe += o.entry().gradientEquivalents();
      }
      double retrainedSeconds = seconds(t1);
      List<Callable<Eval>> evalTasks = new ArrayList<>();
      for (ModelCache.Obtained o : retrainedDistinct) {
        evalTasks.add(() -> ev.evaluate(toModel(o.entry().parameters())));
      }
      List<Eval> distinctEvals = invokeAll(pool, evalTasks);
      // Attack seeds differ per index, so re-run the (cheap) attack per index on shared evals.
      Eval[] retrained = new Eval[numModels];
      for (int i = 0; i < numModels; i++) {
        retrained[i] = distinctEvals.get(distinct.get(keys[i])).withAttack(attackSeed(i));
      }
      // The time-ratio denominator: see after the unlearning runs. The recorded times are only a
      // placeholder (cold-JIT times from the first trainings, here or in the cache's JVM).
      double retrainMeanSeconds = recordedSeconds / retrainedDistinct.size();
      double retrainMeanCpu = recordedCpu / retrainedDistinct.size();
      if (!timeRatios) {
        retrainMeanSeconds = Double.NaN;
        retrainMeanCpu = Double.NaN;
      }
      // In full-batch gradients on the training set (the unlearners' unit).
      double retrainGe = recordedGe / retrainedDistinct.size() * retain.size() / train.size();

      // 3. The unlearning runs.
      long t2 = System.nanoTime();
      List<Method> supported = new ArrayList<>();
      for (Method m : methods) {
        if (unsupported(m).isEmpty()) {
          supported.add(m);
        }
      }
      Progress pu = new Progress("unlearning", supported.size() * numModels);
      List<Callable<Run>> runTasks = new ArrayList<>();
      for (Method m : supported) {
        AtomicBoolean f = new AtomicBoolean();
        Map<String, Object> hp = hyperparameters.getOrDefault(m.label, Map.of());
        INDArray from = m.start != null ? m.start : theta0;
        for (int i = 0; i < numModels; i++) {
          int index = i;
          runTasks.add(() -> {
            Run run = f.get() ? Run.skip()
                : unlearnOnce(m, hp, from, index, ev, retrained[index]);
            if (run.failure != null) {
              f.set(true);
            }
            pu.tick(m.label + " #" + index + (run.failure != null ? " FAILED"
                : run.skipped ? " skipped" : ""));
            return run;
          });
        }
      }
      List<Run> runs = farm == null ? invokeAll(pool, runTasks)
          : unlearnOnFarm(pool, supported, theta0, ev, retrained, pu);
      double unlearningSeconds = seconds(t2);
      // When `retrain` is among the methods, its runs are the reference procedure itself, timed in
      // the same threads and phase as every other method: their mean is the denominator of every
      // time ratio (retrain's own ratio is then 1 by construction). Otherwise the warm re-timing
      // above. (In a full scoreboard the warm re-timing of the MLP read 2.7 x retrain's own runs.)
      int at = 0;
      boolean replaced = false;
      for (Method m : supported) {
        if (timeRatios && !replaced && isPlainRetrain(m)) {
          List<Run> ref = runs.subList(at, at + numModels);
          if (ref.stream().allMatch(r -> r.failure == null)) {
            replaced = true;
            retrainMeanCpu = ref.stream().mapToDouble(r -> r.cpuSeconds).average().orElseThrow();
            retrainMeanSeconds = ref.stream().mapToDouble(r -> r.cost.seconds()).average()
                .orElseThrow();
          }
        }
        at += numModels;
      }
      // Without retrain's own runs, the reference recipe is timed again, twice, keeping the second
      // (warm) timing, so that the ratios compare warm with warm. (Measured: with the cold
      // recorded timing, retrain's own ratio read 0.46 for the digits MLP.)
      if (timeRatios && !replaced) {
        double[] warm = new double[2];
        for (int rep = 0; rep < warm.length; rep++) {
          long w0 = System.nanoTime();
          long c0 = cpuNanos();
          Trainer.train(model, retain, recipe.withSeed(retrainSeed(seed, firstRun)));
          warm[rep] = (cpuNanos() - c0) * 1e-9;
          if (rep == warm.length - 1) {
            retrainMeanSeconds = (System.nanoTime() - w0) * 1e-9;
          }
        }
        retrainMeanCpu = warm[warm.length - 1];
      }
      List<MethodReport> reports = new ArrayList<>();
      int k = 0;
      for (Method m : methods) {
        Unlearner u = m.unlearner;
        Map<String, Object> hp = HyperparameterValues.resolve(u.hyperparameters(),
            hyperparameters.getOrDefault(m.label, Map.of())).asMap();
        java.util.Optional<String> why = unsupported(m);
        if (why.isPresent()) {
          reports.add(new MethodReport(m.label, hp, MethodReport.Status.UNSUPPORTED, why.get(),
              null, null, null));
          continue;
        }
        List<Run> mine = runs.subList(k, k + numModels);
        k += numModels;
        String failure = mine.stream().filter(r -> r.failure != null).map(r -> r.failure)
            .findFirst().orElse(null);
        if (failure != null) {
          reports.add(new MethodReport(m.label, hp, MethodReport.Status.FAILED, failure, null,
              null, null));
          continue;
        }
        double[] from = m.start == null ? theta0Double
            : m.start.castTo(DataType.DOUBLE).toDoubleVector();
        reports.add(aggregate(m.label, hp, mine, retrained, retrainMeanSeconds,
            retrainMeanCpu, retrainGe, from));
      }

      Eval originalEval = ev.evaluate(theta0).withAttack(attackSeed(0));
      double klF = 0;
      double klT = 0;
      for (Eval r : retrained) {
        klF += Divergence.meanKl(r.probsForget, originalEval.probsForget) / numModels;
        klT += Divergence.meanKl(r.probsTest, originalEval.probsTest) / numModels;
      }
      GroupScores originalScores = group(new Eval[] {originalEval}, klF, klT);
      GroupScores referenceScores = group(retrained, 0, 0);
      EvaluationReport.Setup setup = new EvaluationReport.Setup(model.toString(), recipe.toString(),
          train.size(), test.size(), forget.length, numModels, retrainedDistinct.size(), seed,
          threads, dataHash, cache.directory().map(Path::toString).orElse(""));
      EvaluationReport.Timings timings = new EvaluationReport.Timings(originalSeconds,
          original != null && original.fromCache(), retrainedSeconds, retrainedDistinct.size() - loaded, loaded,
          recordedSeconds, unlearningSeconds, seconds(start));
      return new EvaluationReport(setup, originalScores, referenceScores, retrainMeanSeconds,
          retrainMeanCpu, retrainGe, reports, timings);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The retrained models through the farm: those in the cache are loaded, the others trained as
   * farm units and stored; in the order of {@code recipes}.
   */
  private List<ModelCache.Obtained> retrainOnFarm(Map<String, Integer> distinct,
      List<TrainingRecipe> recipes, Progress pr) {
    List<String> keys = new ArrayList<>(distinct.keySet());
    ModelCache.Obtained[] out = new ModelCache.Obtained[recipes.size()];
    List<Integer> missing = new ArrayList<>();
    for (int j = 0; j < recipes.size(); j++) {
      java.util.Optional<ModelCache.Entry> hit = cache.load(keys.get(j), model);
      if (hit.isPresent()) {
        out[j] = new ModelCache.Obtained(keys.get(j), hit.get(), true);
        pr.tick("loaded");
      } else {
        missing.add(j);
      }
    }
    if (!missing.isEmpty()) {
      List<TrainingRecipe> todo = missing.stream().map(recipes::get).toList();
      say("training %d retrained model(s) on %s", todo.size(), farm);
      List<ModelCache.Entry> trained = farm.train(model, train, forget, todo);
      for (int q = 0; q < missing.size(); q++) {
        int j = missing.get(q);
        cache.store(keys.get(j), ModelCache.describe("retrained", model, recipes.get(j), train,
            forget), trained.get(q));
        out[j] = new ModelCache.Obtained(keys.get(j), trained.get(q), false);
        pr.tick("trained");
      }
    }
    return List.of(out);
  }

  /**
   * The unlearning runs through the farm (every method's runs; none is skipped after a failure),
   * then scored on this harness's threads; in the order of the local runs.
   */
  private List<Run> unlearnOnFarm(ExecutorService pool, List<Method> supported, INDArray theta0,
      Evaluator ev, Eval[] retrained, Progress pu) {
    // One farm call per method, each method's runs scored on this harness's threads while the farm
    // runs the next method's (and only one method's parameters are held at a time).
    List<Future<Run>> scored = new ArrayList<>();
    for (Method m : supported) {
      String mismatch = farmMismatch(m);
      List<RunFarm.Outcome> outcomes;
      if (mismatch != null) {
        outcomes = java.util.Collections.nCopies(numModels, new RunFarm.Outcome(null, null, 0,
            false, mismatch));
      } else {
        Map<String, Object> hp = hyperparameters.getOrDefault(m.label, Map.of());
        double[] from = (m.start != null ? m.start : theta0).castTo(DataType.DOUBLE)
            .toDoubleVector();
        List<RunFarm.Job> jobs = new ArrayList<>();
        for (int i = 0; i < numModels; i++) {
          jobs.add(new RunFarm.Job(m.unlearner.name(), hp, from,
              unlearningSeed(seed, firstRun + i)));
        }
        say("running %d unlearning run(s) of %s on %s", jobs.size(), m.label, farm);
        outcomes = farm.unlearn(model, train, forget, recipe, jobs);
      }
      for (int i = 0; i < numModels; i++) {
        RunFarm.Outcome o = outcomes.get(i);
        int index = i;
        scored.add(pool.submit(() -> {
          Run run = scored(m, index, o, ev, retrained[index]);
          pu.tick(m.label + " #" + index + (run.failure != null ? " FAILED" : ""));
          return run;
        }));
      }
    }
    List<Run> out = new ArrayList<>(scored.size());
    for (Future<Run> f : scored) {
      try {
        out.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        scored.forEach(x -> x.cancel(true));
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        scored.forEach(x -> x.cancel(true));
        throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e);
      }
    }
    return out;
  }

  /**
   * Why a method cannot go to the farm, or null: the farm looks unlearners up by name where the
   * runs execute, so the harness's instance must be the registry's (same class) there too.
   */
  private static String farmMismatch(Method m) {
    try {
      Unlearner registered = dev.unlearn.core.registry.Unlearners.forName(m.unlearner.name());
      if (registered.getClass() == m.unlearner.getClass()) {
        return null;
      }
      return "unlearner '" + m.unlearner.name() + "' (" + m.unlearner.getClass().getName()
          + ") is not the registered one (" + registered.getClass().getName() + "), and a run "
          + "farm looks unlearners up by name where the runs execute";
    } catch (RuntimeException e) {
      return "unlearner '" + m.unlearner.name() + "' (" + m.unlearner.getClass().getName()
          + ") is not registered, and a run farm looks unlearners up by name where the runs "
          + "execute: " + e.getMessage();
    }
  }

  /** Whether a method is the reference procedure itself: retrain, under its name, from the original. */
  private static boolean isPlainRetrain(Method m) {
    return m.unlearner.name().equals("retrain") && m.label.equals("retrain") && m.start == null;
  }

  /** Why a method cannot run on the model with its hyperparameters (computed once per use). */
  private java.util.Optional<String> unsupported(Method m) {
    return m.unlearner.unsupportedReason(model, hyperparameters.getOrDefault(m.label, Map.of()));
  }

  private long attackSeed(int i) {
    return Seeds.derive(seed, Seeds.ATTACK, firstRun + i);
  }

  private Run unlearnOnce(Method m, Map<String, Object> hp, INDArray start, int i,
      Evaluator ev, Eval reference) {
    RunFarm.Outcome o = RunFarm.unlearn(model, train, forget, recipe, m.unlearner, hp, start,
        unlearningSeed(seed, firstRun + i));
    return scored(m, i, o, ev, reference);
  }

  /** The scores of one run's outcome against retrained model i, and the result listener. */
  private Run scored(Method m, int i, RunFarm.Outcome o, Evaluator ev, Eval reference) {
    if (o.failure() != null) {
      return Run.failed(o.failure());
    }
    Unlearner u = m.unlearner;
    String who = "unlearner '" + u.name() + "' (" + u.getClass().getName() + ")";
    INDArray theta = toModel(o.parameters());
    Run run;
    try {
      Eval e = ev.evaluate(theta).withAttack(attackSeed(i));
      double klF = Divergence.meanKl(reference.probsForget, e.probsForget);
      double klT = Divergence.meanKl(reference.probsTest, e.probsTest);
      double jsF = Divergence.meanJensenShannon(reference.probsForget, e.probsForget);
      double jsT = Divergence.meanJensenShannon(reference.probsTest, e.probsTest);
      double dist = ParameterDistance.relative(e.theta, reference.theta);
      run = new Run(e, o.cost(), o.cpuSeconds(), o.converged(), klF, klT, jsF, jsT, dist, null,
          false);
    } catch (RuntimeException e) {
      return Run.failed(who + ": its result could not be scored: "
          + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    if (onResult != null) {
      try {
        onResult.finished(m.label, i, theta);
      } catch (RuntimeException e) {
        return Run.failed("the result listener failed on " + who + ": "
            + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
    return run;
  }

  /** Why a result cannot be scored (null, wrong shape or type, non-finite), or null if it can. */
  static String invalidResult(Model model, UnlearningResult result) {
    if (result == null) {
      return "null";
    }
    INDArray theta = result.parameters();
    if (theta == null) {
      return "parameters (null)";
    }
    if (theta.rank() != 1 || theta.length() != model.numParameters()) {
      return "parameters shape (" + java.util.Arrays.toString(theta.shape()) + ") must be ["
          + model.numParameters() + "]";
    }
    if (theta.dataType() != model.dataType()) {
      return "parameters data type (" + theta.dataType() + ") must be " + model.dataType();
    }
    double[] v = theta.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup().data().asDouble();
    for (int q = 0; q < v.length; q++) {
      if (!Double.isFinite(v[q])) {
        return "theta[" + q + "] (" + v[q] + ") must be finite";
      }
    }
    if (result.cost() == null) {
      return "cost (null)";
    }
    return null;
  }

  private MethodReport aggregate(String name, Map<String, Object> hp, List<Run> runs,
      Eval[] retrained, double retrainSeconds, double retrainCpu, double retrainGe,
      double[] theta0) {
    int n = runs.size();
    double[][] phiU = new double[n][];
    double[][] phiR = new double[n][];
    double[] raU = new double[n];
    double[] raR = new double[n];
    double[] taU = new double[n];
    double[] taR = new double[n];
    Eval[] evals = new Eval[n];
    double kf = 0, kt = 0, jf = 0, jt = 0, dist = 0, secs = 0, cpu = 0, ge = 0, hvp = 0, conv = 0;
    for (int i = 0; i < n; i++) {
      Run r = runs.get(i);
      evals[i] = r.eval;
      phiU[i] = r.eval.phi;
      phiR[i] = retrained[i].phi;
      raU[i] = r.eval.retainAccuracy;
      raR[i] = retrained[i].retainAccuracy;
      taU[i] = r.eval.testAccuracy;
      taR[i] = retrained[i].testAccuracy;
      kf += r.klForget;
      kt += r.klTest;
      jf += r.jsForget;
      jt += r.jsTest;
      dist += r.distance;
      secs += r.cost.seconds();
      cpu += r.cpuSeconds;
      ge += r.cost.gradientEvaluations();
      hvp += r.cost.hessianVectorProducts();
      conv += r.converged ? 1 : 0;
    }
    GroupScores g = group(evals, Double.NaN, Double.NaN);
    GroupScores ref = group(retrained, 0, 0);
    ForgettingResult f = null;
    double fq = Double.NaN;
    double medianEps = Double.NaN;
    double finalScore = Double.NaN;
    double raRatio = g.retainAccuracy() / ref.retainAccuracy();
    double taRatio = g.testAccuracy() / ref.testAccuracy();
    if (forgettingQuality) {
      f = ForgettingScore.compute(phiU, phiR);
      CompetitionScore c = CompetitionScore.of(f, raU, raR, taU, taR);
      fq = f.forgettingQuality();
      medianEps = f.medianEpsilon();
      finalScore = c.finalScore();
      raRatio = c.retainAccuracyRatio();
      taRatio = c.testAccuracyRatio();
    }
    MethodScores s = new MethodScores(fq, medianEps, raRatio, taRatio, finalScore, g.retainAccuracy(),
        g.forgetAccuracy(), g.testAccuracy(), g.retainLoss(), g.forgetLoss(), g.testLoss(), kf / n,
        kt / n, jf / n, jt / n, g.miaAuc(), g.miaAuc() - ref.miaAuc(), g.attackForgetMembership(),
        dist / n, g.gradientResidual(), ge / n, hvp / n, conv / n);
    double ratio = cpu / n / retrainCpu;
    MethodCost cost = new MethodCost(secs / n, cpu / n, ratio, secs / n / retrainSeconds,
        retrainGe > 0 ? ge / n / retrainGe : Double.NaN, ratio <= MethodCost.TIME_LIMIT_RATIO);
    return new MethodReport(name, hp, MethodReport.Status.OK, "", f, s, cost,
        spreads(runs, retrained, f, theta0));
  }

  /** &Vert;&theta; &minus; &theta;<sub>0</sub>&Vert; / &Vert;&theta;<sub>0</sub>&Vert; (absolute when &theta;<sub>0</sub> = 0). */
  private static double movement(double[] theta, double[] theta0) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < theta.length; i++) {
      num += (theta[i] - theta0[i]) * (theta[i] - theta0[i]);
      den += theta0[i] * theta0[i];
    }
    return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
  }

  /** Mean, deviation and 95 % interval of every per-run score (see {@link MethodReport#spread}). */
  private Map<String, ScoreSpread> spreads(List<Run> runs, Eval[] retrained,
      ForgettingResult f, double[] theta0) {
    int n = runs.size();
    List<String> names = SPREAD_NAMES.subList(1, SPREAD_NAMES.size());
    double[][] v = new double[names.size()][n];
    for (int i = 0; i < n; i++) {
      Run r = runs.get(i);
      Eval e = r.eval;
      double[] row = {e.retainAccuracy / retrained[i].retainAccuracy,
          e.testAccuracy / retrained[i].testAccuracy, e.retainAccuracy, e.forgetAccuracy,
          e.testAccuracy, e.retainLoss, e.forgetLoss, e.testLoss, r.klForget, r.klTest,
          r.jsForget, r.jsTest, e.auc, r.distance, e.gradientResidual, r.cost.seconds(),
          r.cpuSeconds, movement(e.theta, theta0)};
      for (int k = 0; k < names.size(); k++) {
        v[k][i] = row[k];
      }
    }
    Map<String, ScoreSpread> out = new LinkedHashMap<>();
    if (f != null) {
      out.put("forgettingQuality", ScoreSpread.of(f.points()));
    }
    for (int k = 0; k < names.size(); k++) {
      out.put(names.get(k), ScoreSpread.of(v[k]));
    }
    for (int q = 0; q < extraNames.size(); q++) {
      double[] e = new double[n];
      for (int i = 0; i < n; i++) {
        e[i] = runs.get(i).eval.extra[q];
      }
      out.put(extraNames.get(q), ScoreSpread.of(e));
    }
    return out;
  }

  /** The names {@link MethodReport#spread} uses for the harness's own run-by-run scores. */
  static final List<String> SPREAD_NAMES = List.of("forgettingQuality", "retainAccuracyRatio",
      "testAccuracyRatio", "retainAccuracy", "forgetAccuracy", "testAccuracy", "retainLoss",
      "forgetLoss", "testLoss", "klForget", "klTest", "jsForget", "jsTest", "miaAuc",
      "parameterDistance", "gradientResidual", "seconds", "cpuSeconds", "parameterMovement");

  private GroupScores group(Eval[] evals, double klForget, double klTest) {
    int n = evals.length;
    double[] sum = new double[9];
    for (Eval e : evals) {
      sum[0] += e.retainAccuracy;
      sum[1] += e.forgetAccuracy;
      sum[2] += e.testAccuracy;
      sum[3] += e.retainLoss;
      sum[4] += e.forgetLoss;
      sum[5] += e.testLoss;
      sum[6] += e.auc;
      sum[7] += e.attack;
      sum[8] += e.gradientResidual;
    }
    Map<String, Double> extra = new LinkedHashMap<>();
    for (int q = 0; q < extraNames.size(); q++) {
      double e = 0;
      for (Eval ev : evals) {
        e += ev.extra[q];
      }
      extra.put(extraNames.get(q), e / n);
    }
    return new GroupScores(n, sum[0] / n, sum[1] / n, sum[2] / n, sum[3] / n, sum[4] / n,
        sum[5] / n, sum[6] / n, sum[7] / n, sum[8] / n, klForget, klTest, extra);
  }

  private INDArray toModel(double[] theta) {
    return Nd4j.createFromArray(theta).castTo(model.dataType());
  }

  /** Evaluates one parameter vector on the retain, forget and test sets. */
  private final class Evaluator {
    final Dataset retain;
    final Dataset forgetSet;
    final int[] retainLabels;
    final int[] forgetLabels;
    final int[] testLabels;

    Evaluator(Dataset retain, Dataset forgetSet) {
      this.retain = retain;
      this.forgetSet = forgetSet;
      this.retainLabels = retain.labels();
      this.forgetLabels = forgetSet.labels();
      this.testLabels = test.labels();
    }

    Eval evaluate(INDArray theta) {
      ModelPoint at = model.at(theta, retain);
      double[][] retainLogits = Utility.toMatrix(at.logits());
      double residual = norm(at.gradient().toDoubleVector());
      double[][] forgetLogits = logits(theta, forgetSet);
      double[][] testLogits = logits(theta, test);
      double[] retainCe = Utility.perExampleCrossEntropy(retainLogits, retainLabels);
      double[] forgetCe = Utility.perExampleCrossEntropy(forgetLogits, forgetLabels);
      double[] testCe = Utility.perExampleCrossEntropy(testLogits, testLabels);
      double[] extra = new double[extraNames.size()];
      int pos = 0;
      for (Scorer sc : scorers) {
        double[] v = sc.score(theta);
        if (v == null || v.length != sc.names().size()) {
          throw new IllegalStateException("scorer " + sc.names() + " returned "
              + (v == null ? "null" : v.length + " values") + "; it must return "
              + sc.names().size());
        }
        System.arraycopy(v, 0, extra, pos, v.length);
        pos += v.length;
      }
      return new Eval(theta.toDoubleVector(),
          Utility.accuracy(retainLogits, retainLabels), Utility.accuracy(forgetLogits, forgetLabels),
          Utility.accuracy(testLogits, testLabels), mean(retainCe), mean(forgetCe), mean(testCe),
          LogitScaledConfidence.of(forgetLogits, forgetLabels), Logits.softmax(forgetLogits),
          Logits.softmax(testLogits), retainCe, forgetCe, testCe,
          MembershipInference.lossThresholdAuc(forgetCe, testCe), Double.NaN, residual, extra);
    }

    private double[][] logits(INDArray theta, Dataset d) {
      return Utility.toMatrix(model.logits(theta, d.features(model.dataType())));
    }
  }

  /** The scores of one model. */
  private record Eval(double[] theta, double retainAccuracy, double forgetAccuracy,
      double testAccuracy, double retainLoss, double forgetLoss, double testLoss, double[] phi,
      double[][] probsForget, double[][] probsTest, double[] retainCe, double[] forgetCe,
      double[] testCe, double auc, double attack, double gradientResidual, double[] extra) {

    Eval withAttack(long attackSeed) {
      double a = MembershipInference.logisticAttack(retainCe, testCe, forgetCe, attackSeed)
          .forgetMembershipMean();
      return new Eval(theta, retainAccuracy, forgetAccuracy, testAccuracy, retainLoss, forgetLoss,
          testLoss, phi, probsForget, probsTest, retainCe, forgetCe, testCe, auc, a,
          gradientResidual, extra);
    }
  }

  /** One unlearning run and its comparison with retrained model i. */
  private record Run(Eval eval, Cost cost, double cpuSeconds, boolean converged, double klForget, double klTest,
      double jsForget, double jsTest, double distance, String failure, boolean skipped) {
    static Run failed(String message) {
      return new Run(null, null, 0, false, 0, 0, 0, 0, 0, message, false);
    }

    static Run skip() {
      return new Run(null, null, 0, false, 0, 0, 0, 0, 0, null, true);
    }
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  private static long cpuNanos() {
    return ModelCache.cpuNanos();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) * 1e-9;
  }

  private static <T> List<T> invokeAll(ExecutorService pool, List<Callable<T>> tasks) {
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> t : tasks) {
      futures.add(pool.submit(t));
    }
    List<T> out = new ArrayList<>(tasks.size());
    try {
      for (Future<T> f : futures) {
        out.add(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      futures.forEach(f -> f.cancel(true));
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
    return out;
  }

  private void say(String format, Object... args) {
    if (progress != null) {
      progress.println("[harness] " + String.format(Locale.ROOT, format, args));
    }
  }

  /** One line per finished model: counts, elapsed time and an estimate of the time left. */
  private final class Progress {
    private final String phase;
    private final int total;
    private final long start = System.nanoTime();
    private final AtomicInteger done = new AtomicInteger();

    Progress(String phase, int total) {
      this.phase = phase;
      this.total = total;
    }

    void tick(String what) {
      int d = done.incrementAndGet();
      double elapsed = seconds(start);
      double eta = elapsed / d * (total - d);
      say("%s %d/%d %s (%.1f s elapsed, ETA %.0f s)", phase, d, total, what, elapsed, eta);
    }
  }

  /** Configures an {@link EvaluationHarness}. */
  public static final class Builder {
    private final Model model;
    private final Dataset train;
    private final Dataset test;
    private int[] forgetRows;
    private int[] forgetGroups;
    private TrainingRecipe recipe = TrainingRecipe.lbfgs(1e-6);
    private int numModels = 8;
    private final List<Method> methods = new ArrayList<>();
    private final Map<String, Map<String, Object>> hyperparameters = new LinkedHashMap<>();
    private int threads = 1;
    private long seed;
    private ModelCache cache = ModelCache.disabled();
    private PrintStream progress = System.err;
    private final List<Scorer> scorers = new ArrayList<>();
    private boolean forgettingQuality = true;
    private boolean timeRatios = true;
    private INDArray original;
    private int firstRun;
    private ResultListener onResult;
    private RunFarm farm;

    private Builder(Model model, Dataset train, Dataset test) {
      InvalidInputException.check(model != null, "model must not be null");
      InvalidInputException.check(train != null, "training data must not be null");
      InvalidInputException.check(test != null, "test data must not be null");
      this.model = model;
      this.train = train;
      this.test = test;
    }

    /** Forget these training rows. */
    public Builder forgetRows(int... rows) {
      this.forgetRows = rows.clone();
      this.forgetGroups = null;
      return this;
    }

    /** Forget every training row whose group id is one of these. */
    public Builder forgetGroups(int... groups) {
      this.forgetGroups = groups.clone();
      this.forgetRows = null;
      return this;
    }

    /** The recipe that trains the original and the retrained models (default L-BFGS to 1e-6). */
    public Builder recipe(TrainingRecipe r) {
      InvalidInputException.check(r != null, "recipe must not be null");
      this.recipe = r;
      return this;
    }

    /**
     * N, the number of unlearning runs per method and of retrained models (default 8; at least 2
     * for the forgetting quality, which compares N unlearned with N retrained models; 1 is allowed
     * with {@link #forgettingQuality forgettingQuality(false)}).
     */
    public Builder models(int n) {
      InvalidInputException.check(n >= 1, "models (%d) must be >= 1", n);
      this.numModels = n;
      return this;
    }

    /**
     * Whether to compute the competition's forgetting quality F and the final score (default
     * true). Off, they are NaN, {@link MethodReport#forgetting()} is null and N may be 1: for a
     * task that reports its own scores ({@link #scorer}) against one retrained model.
     */
    public Builder forgettingQuality(boolean on) {
      this.forgettingQuality = on;
      return this;
    }

    /**
     * Whether to measure time ratios (default true: against retrain's own runs when {@code
     * retrain} is a method, otherwise against two warm retrainings timed after the retrained
     * models). Off, no extra training is done and every time ratio is NaN (for a search over
     * settings, say, whose times nobody reads).
     */
    public Builder timeRatios(boolean on) {
      this.timeRatios = on;
      return this;
    }

    /**
     * Adds scores of a task's own ({@link Scorer}), computed for the original, every retrained
     * model and every run. Names must be distinct across scorers and from the harness's own
     * spread names.
     */
    public Builder scorer(Scorer s) {
      InvalidInputException.check(s != null, "scorer must not be null");
      for (String n : s.names()) {
        InvalidInputException.check(!SPREAD_NAMES.contains(n),
            "scorer name %s must differ from the harness's own scores %s", n, SPREAD_NAMES);
        for (Scorer t : scorers) {
          InvalidInputException.check(!t.names().contains(n),
              "scorer name %s must not be given twice", n);
        }
      }
      scorers.add(s);
      return this;
    }

    /**
     * Uses these parameters as the original model instead of training it (a copy is kept): for a
     * model trained elsewhere, or a sequence of deletions whose rounds start where the last ended.
     */
    public Builder original(INDArray theta) {
      InvalidInputException.check(theta != null, "original parameters must not be null");
      InvalidInputException.check(theta.rank() == 1 && theta.length() == model.numParameters(),
          "original parameters shape (%s) must be [%d]", Arrays.toString(theta.shape()),
          model.numParameters());
      this.original = theta.dup();
      return this;
    }

    /**
     * The index of the first run (default 0): retrained model i and unlearning run i use the
     * seeds of index {@code firstRun + i}. A sequence of harness runs gives round r {@code
     * firstRun(r)} so that each round has seeds of its own.
     */
    public Builder firstRun(int index) {
      InvalidInputException.check(index >= 0, "first run (%d) must be >= 0", index);
      this.firstRun = index;
      return this;
    }

    /** Receives every successful run's parameters (see {@link ResultListener}). */
    public Builder onResult(ResultListener listener) {
      this.onResult = listener;
      return this;
    }

    /**
     * Runs the retrainings and the unlearning runs on a {@link RunFarm} (for example Spark tasks)
     * instead of this harness's threads, which then only evaluate and score; null: the threads.
     * The unlearners are looked up by name where the runs execute.
     */
    public Builder farm(RunFarm f) {
      this.farm = f;
      return this;
    }

    /** Adds registered unlearners by name. */
    public Builder unlearners(String... names) {
      for (String n : names) {
        unlearner(Unlearners.forName(n.trim()));
      }
      return this;
    }

    /** Adds unlearner instances (registered or not). */
    public Builder unlearners(List<? extends Unlearner> list) {
      list.forEach(this::unlearner);
      return this;
    }

    /** Adds one unlearner instance. */
    public Builder unlearner(Unlearner u) {
      InvalidInputException.check(u != null, "unlearner must not be null");
      return add(u.name(), u, null);
    }

    /**
     * Adds a variant: unlearner {@code u} reported under {@code label}, with these hyperparameter
     * values, starting from {@code start} (null: from the original model). The same unlearner may
     * be added under several labels (the points of a hyperparameter grid, say); a start other
     * than the original serves a sequence of deletions, each continuing from its last result.
     */
    public Builder variant(String label, Unlearner u, Map<String, ?> values, INDArray start) {
      InvalidInputException.check(label != null && !label.isBlank(),
          "variant label must not be blank");
      InvalidInputException.check(u != null, "unlearner must not be null");
      InvalidInputException.check(start == null
          || start.rank() == 1 && start.length() == model.numParameters(),
          "start parameters of %s (shape %s) must have shape [%d]", label,
          start == null ? "" : Arrays.toString(start.shape()), model.numParameters());
      add(label, u, start == null ? null : start.castTo(model.dataType()).dup());
      return hyperparameters(label, values == null ? Map.of() : values);
    }

    private Builder add(String label, Unlearner u, INDArray start) {
      for (Method m : methods) {
        InvalidInputException.check(!m.label.equals(label),
            "unlearner %s must not be given twice", label);
      }
      methods.add(new Method(label, u, start));
      return this;
    }

    /** Adds one unlearner with hyperparameter values. */
    public Builder unlearner(Unlearner u, Map<String, ?> values) {
      unlearner(u);
      return hyperparameters(u.name(), values);
    }

    /** Hyperparameter values for the named unlearner or variant (the others use their defaults). */
    public Builder hyperparameters(String unlearnerName, Map<String, ?> values) {
      hyperparameters.put(unlearnerName, Map.copyOf(values));
      return this;
    }

    /** Worker threads for training and unlearning (default 1). */
    public Builder threads(int t) {
      InvalidInputException.check(t >= 1, "threads (%d) must be >= 1", t);
      this.threads = t;
      return this;
    }

    /** The seed every other seed derives from (default 0). */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Caches trained models in this directory. */
    public Builder cache(Path directory) {
      this.cache = ModelCache.in(directory);
      return this;
    }

    /** Uses this cache (for example {@link ModelCache#disabled()}, the default). */
    public Builder cache(ModelCache c) {
      InvalidInputException.check(c != null, "cache must not be null");
      this.cache = c;
      return this;
    }

    /** Where progress lines go (null: nowhere; default standard error). */
    public Builder progress(PrintStream out) {
      this.progress = out;
      return this;
    }

    /** Checks the configuration and builds the harness. */
    public EvaluationHarness build() {
      InvalidInputException.check(!methods.isEmpty(), "unlearners must not be empty");
      InvalidInputException.check(numModels >= 2 || !forgettingQuality,
          "models (%d) must be >= 2 when the forgetting quality is computed", numModels);
      InvalidInputException.check(test.numFeatures() == train.numFeatures(),
          "test data width (%d) must equal the training data width (%d)", test.numFeatures(),
          train.numFeatures());
      InvalidInputException.check(test.numClasses() == train.numClasses(),
          "test data classes (%d) must equal the training data classes (%d)", test.numClasses(),
          train.numClasses());
      InvalidInputException.check(forgetRows != null || forgetGroups != null,
          "forget rows or groups must be given");
      int[] rows = forgetGroups != null ? ForgetSets.groups(train, forgetGroups) : forgetRows;
      // The request's own checks: range, duplicates, non-empty, not the whole set.
      UnlearningRequest probe = UnlearningRequest.builder(model, model.initialParameters(0), train)
          .forgetRows(rows).recipe(recipe).build();
      for (String name : hyperparameters.keySet()) {
        Unlearner u = methods.stream().filter(m -> m.label.equals(name)).findFirst()
            .orElseThrow(() -> new InvalidInputException(
                "hyperparameters for " + name + " must name a given unlearner")).unlearner;
        HyperparameterValues.resolve(u.hyperparameters(), hyperparameters.get(name));
      }
      return new EvaluationHarness(this, probe.forgetRows());
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "EvaluationHarness[%s, n=%d, forget=%d, N=%d, %s]",
        model.name(), train.size(), forget.length, numModels, Arrays.toString(
            methods.stream().map(Method::label).toArray()));
  }
}

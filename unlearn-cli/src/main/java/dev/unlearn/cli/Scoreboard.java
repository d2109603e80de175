package dev.unlearn.cli;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.Unlearner;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.core.registry.UnlearnerRegistry;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.hessian.unlearner.CertifiedRemoval;
import dev.unlearn.hessian.unlearner.CertifiedRemovalUnlearner;
import dev.unlearn.spark.SparkRunFarm;
import dev.unlearn.metrics.harness.EvaluationHarness;
import dev.unlearn.metrics.harness.RunFarm;
import dev.unlearn.metrics.harness.EvaluationReport;
import dev.unlearn.metrics.harness.ModelCache;
import dev.unlearn.metrics.harness.ReportWriters;
import dev.unlearn.metrics.harness.SvgCharts;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import java.util.concurrent.Callable;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code unlearn scoreboard} (the README's main job, {@code bin/scoreboard}): on the embedded digits
 * data, evaluate every registered unlearner with the {@link EvaluationHarness} (N unlearning runs
 * against N retrained models, the NeurIPS 2023 competition's protocol) on a softmax regression and
 * an MLP, print a Markdown table per model on standard output, and write JSON, CSV and SVG charts
 * into an output folder. Unlearners are taken from {@link Unlearners#available()} at run time, so
 * plugins and newly registered methods appear with no change here; a method that does not support
 * a model is listed as such, and one that fails is recorded without stopping the others. Retrained
 * models are cached on disk; the table says how much time the cache saved. Every number is defined
 * in {@code docs/metrics.md}. With {@code --data} it runs on a CSV of the user's own instead
 * ({@link DataOptions}).
 *
 * <pre>
 * bin/scoreboard --model logistic --models 8 --methods retrain,finetune --out /tmp/sb
 * bin/scoreboard --data patients.csv.gz --label outcome --group patient --forget-groups 17,42
 * </pre>
 */
@Command(name = "scoreboard", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"Evaluates every registered unlearner on the embedded UCI digits data (1437 "
        + "train / 360 test, z-scored) or on --data: trains the original model once, runs each unlearner N "
        + "times from it, compares them with N models retrained without the forget set (cached "
        + "on disk), and prints the competition score and the other scores (docs/metrics.md) as "
        + "a Markdown table."})
public final class Scoreboard implements Callable<Integer> {
  /** The default N of the logistic model (see docs/metrics.md for the choice). */
  static final int LOGISTIC_MODELS = 16;
  /** The default N of the MLP. */
  static final int MLP_MODELS = 8;
  /** The default N of the DL4J CNN. */
  static final int DL4J_MODELS = 8;

  private final PrintStream out;
  private final PrintStream err;

  @Spec
  CommandSpec spec;

  @Mixin
  RunOptions run = new RunOptions();

  @Option(names = "--model", paramLabel = "NAME", defaultValue = "all",
      description = "logistic, mlp, dl4j-cnn (a Deeplearning4j CNN on 8 x 8 images, through "
          + "unlearn-dl4j) or all (logistic and mlp) (default: ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--models", paramLabel = "N", description = "unlearning runs per method and "
      + "retrained models, >= 2 (default " + LOGISTIC_MODELS + " for logistic, " + MLP_MODELS
      + " for mlp)")
  Integer numModels;

  @Mixin
  DataOptions data = new DataOptions();

  @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
      description = "worker threads (default: ${DEFAULT-VALUE}; on a 2-vCPU machine two threads "
          + "made each run twice as slow in CPU time, which skews the time ratios)")
  int threads;

  @Option(names = "--preset", paramLabel = "NAME", description = "competition: the organisers' "
      + "calibrated setting, N = 512 for both digits models, every method, forget 10 %%, 2 "
      + "threads; flags given beside it still apply")
  String preset;

  @Option(names = "--spark", paramLabel = "MASTER", description = "run the retrainings and the "
      + "unlearning runs as Spark tasks on this master (local[2], spark://host:7077, yarn, ...): "
      + "the same numbers, the work spread over the cluster; docs/spark.md")
  String sparkMaster;

  @Option(names = "--plugins", paramLabel = "DIR", description = "load the unlearners of every "
      + "jar in DIR too (their own class loader, the ServiceLoader); docs/plugins.md")
  Path plugins;

  Scoreboard(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    if (preset != null) {
      InvalidInputException.check(preset.equals("competition"),
          "--preset (%s) must be competition", preset);
      var given = spec.commandLine().getParseResult();
      if (numModels == null) {
        numModels = 512;
      }
      if (!given.hasMatchedOption("--threads")) {
        threads = 2;
      }
      // every method and forget 10 % are the defaults already; --model all is the default too
    }
    InvalidInputException.check(List.of("logistic", "mlp", "dl4j-cnn", "all").contains(model),
        "--model (%s) must be one of logistic, mlp, dl4j-cnn, all", model);
    InvalidInputException.check(numModels == null || (numModels >= 2 && numModels <= 100_000),
        "--models (%s) must be an integer >= 2", numModels);
    run.check();
    InvalidInputException.check(threads >= 1 && threads <= 256,
        "--threads (%d) must be an integer in [1, 256]", threads);
    InvalidInputException.check(sparkMaster == null || plugins == null,
        "--spark and --plugins cannot be combined: the executors look unlearners up on their own "
            + "class path");
    List<String> models = model.equals("all") ? List.of("logistic", "mlp") : List.of(model);
    if (sparkMaster == null) {
      run(models, null);
      return 0;
    }
    InvalidInputException.check(!sparkMaster.isBlank(), "--spark (%s) must name a master",
        sparkMaster);
    // one ND4J thread per task, so that tasks do not fight over an executor's cores (a cluster
    // run goes through spark-submit with the application jar: docs/spark.md)
    JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster(sparkMaster)
        .setAppName("unlearn scoreboard").set("spark.ui.enabled", "false")
        .setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1"));
    try {
      run(models, new SparkRunFarm(sc, err));
    } finally {
      sc.stop();
    }
    return 0;
  }

  /** One model family: the model, the recipe that trains it and its default N. */
  record Family(String key, String label, Model model, TrainingRecipe recipe, int defaultModels) {}

  /** A family for d features and k classes (64 and 10 on digits). */
  static Family family(String name, int d, int k) {
    return switch (name) {
      case "logistic" -> new Family("logistic", String.format(Locale.ROOT,
          "softmax regression %d->%d (L-BFGS to |g| <= 1e-6)", d, k),
          LogisticRegression.of(d, k).withL2(1e-3), TrainingRecipe.lbfgs(1e-6),
          LOGISTIC_MODELS);
      case "mlp" -> new Family("mlp", String.format(Locale.ROOT,
          "MLP %d-128-%d tanh (Adam, 30 epochs, batch 64, lr 1e-3)", d, k),
          Mlp.of(Activation.TANH, d, 128, k).withL2(1e-3), TrainingRecipe.adam(30, 64, 1e-3, 0),
          MLP_MODELS);
      case "dl4j-cnn" -> {
        InvalidInputException.check(d == DigitsCnn.PIXELS, "--model dl4j-cnn needs %d features "
            + "(8 x 8 images, as the digits); the data have %d", DigitsCnn.PIXELS, d);
        yield new Family("dl4j-cnn", DigitsCnn.DESCRIPTION, DigitsCnn.model(k),
            DigitsCnn.RECIPE, DL4J_MODELS);
      }
      default -> throw new InvalidInputException("unknown model " + name);
    };
  }

  void run(List<String> models, RunFarm farm) {
    Instant started = Instant.now();
    long start = System.nanoTime();
    Split split = data.split(run.seed);
    Dataset train = split.train();
    Dataset test = split.test();
    UnlearnerRegistry registry = Plugins.registry(plugins, err);
    List<Unlearner> unlearners = new ArrayList<>();
    if (run.methods.isEmpty()) {
      unlearners.addAll(registry.available());
    } else {
      for (String m : run.methods) {
        unlearners.add(registry.forName(m));
      }
    }
    ModelCache cache = run.cache();
    int[] forgetRows = data.forgetSet(split, run.seed);
    err.printf(Locale.ROOT, "[scoreboard] data %s: %d train / %d test rows, %d features, %d "
        + "classes; forgetting %d rows%n", data.name(), train.size(), test.size(),
        train.numFeatures(), train.numClasses(), forgetRows.length);
    StringBuilder markdown = new StringBuilder();
    List<HtmlReport.Section> html = new ArrayList<>();
    Map<String, Map<String, Double>> phases = new LinkedHashMap<>();
    for (String name : models) {
      Family f = family(name, train.numFeatures(), train.numClasses());
      InvalidInputException.check(farm == null || f.model() instanceof java.io.Serializable,
          "--spark needs a model that can travel to the executors (java.io.Serializable); "
              + "%s (%s) is not", name, f.model().getClass().getName());
      int n = numModels != null ? numModels : f.defaultModels();
      err.printf(Locale.ROOT, "[scoreboard] %s: N = %d, %d methods, %d threads%n", name, n,
          unlearners.size(), threads);
      EvaluationHarness.Builder builder = EvaluationHarness.builder(f.model(), train, test)
          .forgetRows(forgetRows).recipe(f.recipe()).models(n).threads(threads).seed(run.seed)
          .cache(cache).progress(err).farm(farm);
      for (Unlearner u : unlearners) {
        if (u.name().equals("certified-removal") && u.supports(f.model())) {
          // Its guarantee (and its step: the gradient carries the perturbation b/n) holds only
          // for a model trained with the same perturbation: start it from one.
          builder.variant(u.name(), u, Map.of(), CertifiedRemoval.trainPerturbed(f.model(), train,
              f.recipe(), CertifiedRemovalUnlearner.DEFAULT_SIGMA, 0).parameters());
        } else {
          builder.unlearner(u);
        }
      }
      EvaluationReport report = builder.build().run();
      phases.put(name, phases(report));
      ScoreboardReport tableReport = ScoreboardReport.of(data.name(), name, report, forgetRows,
          train.numClasses());
      String section = ScoreboardTable.markdown(f.label(), report)
          + tableReport.summary().markdown() + Flags.markdown(tableReport.flags());
      out.print(section);
      out.flush();
      markdown.append(section);
      Path dir = run.outDir.resolve(name);
      Map<String, String> charts = new LinkedHashMap<>();
      charts.put("forgetting-vs-utility.svg", SvgCharts.forgettingVersusUtility(report));
      charts.put("score-vs-time.svg", SvgCharts.scoreVersusTime(report));
      charts.put("epsilon-histograms.svg", SvgCharts.epsilonHistograms(report));
      List<Path> files = new ArrayList<>();
      files.add(tableReport.write(dir));
      files.add(Output.text(dir.resolve("scores.csv"), ReportWriters.scoresCsv(report)));
      files.add(Output.text(dir.resolve("epsilons.csv"), ReportWriters.epsilonsCsv(report,
          forgetRows)));
      charts.forEach((file, svg) -> files.add(Output.text(dir.resolve(file), svg)));
      html.add(new HtmlReport.Section(section, List.copyOf(charts.values())));
      err.printf(Locale.ROOT, "[scoreboard] wrote %s%n", files);
    }
    String total = phaseTable(phases) + String.format(Locale.ROOT, "%nTotal time %.1f s.%n",
        (System.nanoTime() - start) * 1e-9);
    out.print(total);
    markdown.append(total);
    Output.text(run.outDir.resolve("scoreboard.md"), markdown);
    HtmlReport.write(run.outDir, "Unlearn scoreboard: " + data.name(), html,
        HtmlReport.footer("scoreboard"));
    RunManifest.of("scoreboard", spec.commandLine().getParseResult().originalArgs(), run.seed,
        threads, started, phases).write(run.outDir);
  }


  /**
   * Wall seconds per phase of one model's evaluation: the original, the retrained models, every
   * method's runs (the sum of its runs' wall times: with several threads they overlap), all the
   * unlearning runs with their evaluation, the scoring and the rest (evaluating the retrained
   * models, the forgetting score, the aggregation: whatever the other phases leave of the total)
   * and the whole.
   */
  static Map<String, Double> phases(EvaluationReport report) {
    EvaluationReport.Timings t = report.timings();
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("original", t.originalSeconds());
    p.put("retraining", t.retrainedSeconds());
    int n = report.setup().numModels();
    for (var m : report.methods()) {
      if (m.ok()) {
        p.put("runs of " + m.name(), m.cost().seconds() * n);
      }
    }
    p.put("unlearning and evaluation", t.unlearningSeconds());
    p.put("scoring and the rest", Math.max(0, t.totalSeconds() - t.originalSeconds()
        - t.retrainedSeconds() - t.unlearningSeconds()));
    p.put("total", t.totalSeconds());
    return p;
  }

  /** The phases as plain lines (not a table: the scoreboard's table is the only one printed). */
  static String phaseTable(Map<String, Map<String, Double>> phases) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "%nTime per phase (wall seconds; a method's runs are the sum of their own times):%n"));
    phases.forEach((model, p) -> {
      b.append("  ").append(model).append(':');
      String sep = " ";
      for (Map.Entry<String, Double> e : p.entrySet()) {
        b.append(sep).append(e.getKey()).append(String.format(Locale.ROOT, " %.1f",
            e.getValue()));
        sep = ", ";
      }
      b.append(String.format(Locale.ROOT, "%n"));
    });
    return b.toString();
  }

}

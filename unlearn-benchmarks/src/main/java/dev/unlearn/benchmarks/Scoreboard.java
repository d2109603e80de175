package dev.unlearn.benchmarks;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.UnknownUnlearnerException;
import dev.unlearn.api.Unlearner;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.metrics.harness.EvaluationHarness;
import dev.unlearn.metrics.harness.EvaluationReport;
import dev.unlearn.metrics.harness.ModelCache;
import dev.unlearn.metrics.harness.ReportWriters;
import dev.unlearn.metrics.harness.SvgCharts;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The main job (the README's {@code bin/scoreboard}): on the embedded digits data, evaluate every
 * registered unlearner with the {@link EvaluationHarness} (N unlearning runs against N retrained
 * models, the NeurIPS 2023 competition's protocol) on a softmax regression and an MLP, print a
 * Markdown table per model on standard output, and write JSON, CSV and SVG charts into an output
 * folder. Unlearners are taken from {@link Unlearners#available()} at run time, so plugins and
 * newly registered methods appear with no change here; a method that does not support a model is
 * listed as such, and one that fails is recorded without stopping the others. Retrained models are
 * cached on disk; the table says how much time the cache saved. Every number is defined in {@code
 * docs/metrics.md}. {@code --task canary} runs the language-model case study instead ({@link
 * CanaryScoreboard}, {@code docs/canary.md}).
 *
 * <pre>
 * bin/scoreboard --model logistic --models 8 --methods retrain,finetune --out /tmp/sb
 * bin/scoreboard --task canary --out /tmp/sb
 * </pre>
 */
public final class Scoreboard {
  private final PrintStream out;
  private final PrintStream err;

  Scoreboard(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs the command with these arguments; returns the exit status (0, or 2 for bad input or an unknown method). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      Options o = Options.parse(args);
      if (o.help) {
        out.println(Options.HELP);
        return 0;
      }
      new Scoreboard(out, err).run(o);
      return 0;
    } catch (InvalidInputException | UnknownUnlearnerException e) {
      err.println("scoreboard: " + e.getMessage());
      err.println("Try --help.");
      return 2;
    }
  }

  /** Command-line options. */
  static final class Options {
    /** The default N of the logistic model (see docs/metrics.md for the choice). */
    static final int LOGISTIC_MODELS = 16;
    /** The default N of the MLP. */
    static final int MLP_MODELS = 8;
    static final String HELP = String.join("\n",
        "Usage: bin/scoreboard [flags]",
        "",
        "Evaluates every registered unlearner on the embedded UCI digits data (1437 train / 360",
        "test, z-scored): trains the original model once, runs each unlearner N times from it,",
        "compares them with N models retrained without the forget set (cached on disk), and prints",
        "the competition score and the other scores (docs/metrics.md) as a Markdown table.",
        "",
        "  --model NAME     logistic, mlp or all (default all)",
        "  --models N       unlearning runs per method and retrained models, >= 2 (default "
            + LOGISTIC_MODELS + " for logistic, " + MLP_MODELS + " for mlp)",
        "  --forget F       fraction of training rows to forget, in (0, 1) (default 0.1)",
        "  --methods LIST   comma-separated unlearner names (default: every registered one)",
        "  --out DIR        output folder for JSON, CSV and SVG files (default unlearn-out)",
        "  --cache DIR      model cache folder, or 'none' (default OUT/cache)",
        "  --seed S         seed of the forget set, the retrained models and the runs (default 0)",
        "  --threads T      worker threads (default 1: on this 2-vCPU machine two threads made each run",
        "                   twice as slow in CPU time, which skews the time ratios)",
        "  --task NAME      digits (the above, default) or canary: the language-model case study",
        "                   of docs/canary.md (canary exposure before/after unlearning and 5",
        "                   sequential deletion rounds); --model and --models do not apply to it",
        "  --help           this text",
        "",
        "Flags of --task canary (defaults: the documented run, under 10 minutes on 2 cores):",
        "  --methods LIST   default retrain,finetune,gradient-ascent,neggrad-plus,newton,",
        "                   fisher-removal,fisher-forgetting",
        "  --sequential-methods LIST  methods of the sequential rounds (default fisher-forgetting,",
        "                   fisher-removal,gradient-ascent,finetune; retrain is the reference)",
        "  --rounds R       sequential deletion rounds, 0 = none (default 5)",
        "  --entries N      training entries of the Devil's Dictionary (default 200)",
        "  --test-entries N validation and test entries, each (default 50)",
        "  --hidden H       hidden units of char-ngram(41, k=5, e=12, h=H) (default 64)",
        "  --embedding E    embedding size (default 12)",
        "  --epochs E       Adam epochs of the original and retrained models (default 3)",
        "  --samples M      sampled secrets per exposure estimate (default 10000)");
    List<String> models = List.of("logistic", "mlp");
    Integer numModels;
    double forget = 0.1;
    List<String> methods = List.of();
    Path outDir = Path.of("unlearn-out");
    String cache;
    long seed;
    int threads = 1;
    boolean help;
    String task = "digits";
    List<String> sequentialMethods = CanaryScoreboard.Config.DEFAULT_SEQUENTIAL;
    int rounds = 5;
    int entries = 200;
    int testEntries = 50;
    int hidden = 64;
    int embedding = 12;
    int epochs = 3;
    int samples = 10_000;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.isBlank()) {
          continue;
        }
        if (a.equals("--help") || a.equals("-h")) {
          o.help = true;
          continue;
        }
        InvalidInputException.check(i + 1 < args.length, "flag %s needs a value", a);
        String v = args[++i];
        switch (a) {
          case "--model" -> {
            InvalidInputException.check(List.of("logistic", "mlp", "all").contains(v),
                "--model (%s) must be one of logistic, mlp, all", v);
            o.models = v.equals("all") ? List.of("logistic", "mlp") : List.of(v);
          }
          case "--models" -> {
            double n = parseDouble(a, v);
            InvalidInputException.check(n >= 2 && n == Math.rint(n) && n <= 100_000,
                "--models (%s) must be an integer >= 2", v);
            o.numModels = (int) n;
          }
          case "--forget" -> {
            o.forget = parseDouble(a, v);
            InvalidInputException.check(o.forget > 0 && o.forget < 1,
                "--forget (%s) must be in (0, 1)", v);
          }
          case "--methods" -> o.methods = Arrays.stream(v.split(",")).map(String::trim)
              .filter(s -> !s.isEmpty()).toList();
          case "--out" -> o.outDir = Path.of(v);
          case "--cache" -> o.cache = v;
          case "--seed" -> {
            double s = parseDouble(a, v);
            InvalidInputException.check(s == Math.rint(s), "--seed (%s) must be an integer", v);
            o.seed = (long) s;
          }
          case "--threads" -> {
            double t = parseDouble(a, v);
            InvalidInputException.check(t >= 1 && t == Math.rint(t) && t <= 256,
                "--threads (%s) must be an integer in [1, 256]", v);
            o.threads = (int) t;
          }
          case "--task" -> {
            InvalidInputException.check(List.of("digits", "canary").contains(v),
                "--task (%s) must be one of digits, canary", v);
            o.task = v;
          }
          case "--sequential-methods" -> o.sequentialMethods = Arrays.stream(v.split(","))
              .map(String::trim).filter(s -> !s.isEmpty()).toList();
          case "--rounds" -> o.rounds = parseInt(a, v, 0, 50);
          case "--entries" -> o.entries = parseInt(a, v, 1, 1000);
          case "--test-entries" -> o.testEntries = parseInt(a, v, 1, 1000);
          case "--hidden" -> o.hidden = parseInt(a, v, 1, 4096);
          case "--embedding" -> o.embedding = parseInt(a, v, 1, 1024);
          case "--epochs" -> o.epochs = parseInt(a, v, 1, 1000);
          case "--samples" -> o.samples = parseInt(a, v, 1, 10_000_000);
          default -> throw new InvalidInputException("unknown flag " + a);
        }
      }
      return o;
    }

    private static int parseInt(String flag, String v, int min, int max) {
      double n = parseDouble(flag, v);
      InvalidInputException.check(n >= min && n <= max && n == Math.rint(n),
          "%s (%s) must be an integer in [%d, %d]", flag, v, min, max);
      return (int) n;
    }

    private static double parseDouble(String flag, String v) {
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(flag + " (" + v + ") must be a number");
      }
    }
  }

  /** One model family on digits: the model, the recipe that trains it and its default N. */
  record Family(String key, String label, Model model, TrainingRecipe recipe, int defaultModels) {}

  static Family family(String name) {
    return switch (name) {
      case "logistic" -> new Family("logistic", "softmax regression 64->10 (L-BFGS to |g| <= 1e-6)",
          LogisticRegression.of(64, 10).withL2(1e-3), TrainingRecipe.lbfgs(1e-6),
          Options.LOGISTIC_MODELS);
      case "mlp" -> new Family("mlp", "MLP 64-128-10 tanh (Adam, 30 epochs, batch 64, lr 1e-3)",
          Mlp.of(Activation.TANH, 64, 128, 10).withL2(1e-3), TrainingRecipe.adam(30, 64, 1e-3, 0),
          Options.MLP_MODELS);
      default -> throw new InvalidInputException("unknown model " + name);
    };
  }

  void run(Options o) {
    if (o.task.equals("canary")) {
      runCanary(o);
      return;
    }
    long start = System.nanoTime();
    Split split = Digits.standardSplit();
    Dataset train = split.train();
    Dataset test = split.test();
    List<Unlearner> unlearners = new ArrayList<>();
    if (o.methods.isEmpty()) {
      unlearners.addAll(Unlearners.available());
    } else {
      for (String m : o.methods) {
        unlearners.add(Unlearners.forName(m));
      }
    }
    ModelCache cache = o.cache != null && o.cache.equals("none") ? ModelCache.disabled()
        : ModelCache.in(o.cache != null ? Path.of(o.cache) : o.outDir.resolve("cache"));
    int[] forget = ForgetSets.randomFraction(train, o.forget, o.seed);
    StringBuilder markdown = new StringBuilder();
    for (String name : o.models) {
      Family f = family(name);
      int n = o.numModels != null ? o.numModels : f.defaultModels();
      err.printf(Locale.ROOT, "[scoreboard] %s: N = %d, %d methods, %d threads%n", name, n,
          unlearners.size(), o.threads);
      EvaluationReport report = EvaluationHarness.builder(f.model(), train, test)
          .forgetRows(forget).recipe(f.recipe()).models(n).unlearners(unlearners)
          .threads(o.threads).seed(o.seed).cache(cache).progress(err).build().run();
      String section = ScoreboardTable.markdown(f.label(), report);
      out.print(section);
      out.flush();
      markdown.append(section);
      Path dir = o.outDir.resolve(name);
      List<Path> files = new ArrayList<>(ReportWriters.writeAll(report, forget, dir));
      files.addAll(SvgCharts.writeAll(report, dir));
      err.printf(Locale.ROOT, "[scoreboard] wrote %s%n", files);
    }
    String total = String.format(Locale.ROOT, "%nTotal time %.1f s.%n", (System.nanoTime() - start) * 1e-9);
    out.print(total);
    markdown.append(total);
    try {
      Files.createDirectories(o.outDir);
      Files.writeString(o.outDir.resolve("scoreboard.md"), markdown, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + o.outDir.resolve("scoreboard.md"), e);
    }
  }

  /** {@code --task canary}: the case study of docs/canary.md. */
  void runCanary(Options o) {
    ModelCache cache = o.cache != null && o.cache.equals("none") ? ModelCache.disabled()
        : ModelCache.in(o.cache != null ? Path.of(o.cache) : o.outDir.resolve("cache"));
    CanaryScoreboard.Config c = new CanaryScoreboard.Config(o.entries, o.testEntries, o.embedding,
        o.hidden, o.epochs, o.samples, o.rounds,
        o.methods.isEmpty() ? CanaryScoreboard.Config.DEFAULT_METHODS : o.methods,
        o.sequentialMethods, o.seed, cache);
    CanaryScoreboard.Outcome outcome = new CanaryScoreboard(c, err).run();
    String markdown = CanaryReport.markdown(outcome);
    out.print(markdown);
    out.flush();
    List<Path> files = CanaryReport.writeAll(outcome, markdown, o.outDir.resolve("canary"));
    err.printf(Locale.ROOT, "[scoreboard] wrote %s%n", files);
  }
}

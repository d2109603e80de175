package dev.unlearn.benchmarks;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningException;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.core.train.TrainingResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The main job: on the embedded digits data, train a softmax regression and an MLP, forget a random
 * fraction of the training rows with every registered unlearner, and print a Markdown table per
 * model: retain / forget / test accuracy, the relative distance to the retrained model, time and
 * time &divide; retraining time.
 *
 * <pre>
 * bin/scoreboard --model logistic --forget 0.1 --methods retrain,finetune --seed 0
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
    try {
      Options o = Options.parse(args);
      if (o.help) {
        System.out.println(Options.HELP);
        return;
      }
      new Scoreboard(System.out, System.err).run(o);
    } catch (InvalidInputException e) {
      System.err.println("scoreboard: " + e.getMessage());
      System.err.println("Try --help.");
      System.exit(2);
    }
  }

  /** Command-line options. */
  static final class Options {
    static final String HELP = String.join("\n",
        "Usage: bin/scoreboard [flags]",
        "",
        "Trains on the embedded UCI digits data (1437 train / 360 test, z-scored), forgets a",
        "random fraction of the training rows with every registered unlearner, and prints a table.",
        "",
        "  --model NAME     logistic, mlp or all (default all)",
        "  --forget F       fraction of training rows to forget, in (0, 1) (default 0.1)",
        "  --methods LIST   comma-separated unlearner names (default: every registered one)",
        "  --seed S         seed of the forget set and the unlearners (default 0)",
        "  --help           this text");
    List<String> models = List.of("logistic", "mlp");
    double forget = 0.1;
    List<String> methods = List.of();
    long seed;
    boolean help;

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
          case "--forget" -> {
            o.forget = parseDouble(a, v);
            InvalidInputException.check(o.forget > 0 && o.forget < 1,
                "--forget (%s) must be in (0, 1)", v);
          }
          case "--methods" -> o.methods = Arrays.asList(v.split(","));
          case "--seed" -> o.seed = (long) parseDouble(a, v);
          default -> throw new InvalidInputException("unknown flag " + a);
        }
      }
      return o;
    }

    private static double parseDouble(String flag, String v) {
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(flag + " (" + v + ") must be a number");
      }
    }
  }

  /** One trained model family on digits: the model and the recipe that trains it. */
  record Family(String label, Model model, TrainingRecipe recipe) {}

  static Family family(String name) {
    return switch (name) {
      case "logistic" -> new Family("softmax regression 64->10 (L-BFGS to |g| <= 1e-6)",
          LogisticRegression.of(64, 10).withL2(1e-3), TrainingRecipe.lbfgs(1e-6));
      case "mlp" -> new Family("MLP 64-128-10 tanh (Adam, 30 epochs)",
          Mlp.of(Activation.TANH, 64, 128, 10).withL2(1e-3), TrainingRecipe.adam(30, 64, 1e-3, 0));
      default -> throw new InvalidInputException("unknown model " + name);
    };
  }

  void run(Options o) {
    Split split = Digits.standardSplit();
    Dataset train = split.train();
    Dataset test = split.test();
    List<Unlearner> unlearners = new ArrayList<>();
    for (String m : o.methods.isEmpty() ? Unlearners.registry().names() : o.methods) {
      unlearners.add(Unlearners.forName(m.trim()));
    }
    for (String name : o.models) {
      Family f = family(name);
      err.printf(Locale.ROOT, "[%s] training the original model...%n", name);
      TrainingResult original = Trainer.train(f.model(), train, f.recipe());
      int[] forget = ForgetSets.randomFraction(train, o.forget, o.seed);
      Dataset retain = train.without(forget);
      Dataset forgetSet = train.rows(forget);
      err.printf(Locale.ROOT, "[%s] retraining on the retain set (the reference)...%n", name);
      TrainingResult retrained = Trainer.train(f.model(), retain, f.recipe().withSeed(o.seed));
      double retrainSeconds = retrained.cost().seconds();
      out.printf(Locale.ROOT, "%n## %s%n%n", f.label());
      out.printf(Locale.ROOT,
          "n = %d, forget %d rows (%.0f %%), seed %d; original test accuracy %.4f; retraining took %.3f s%n%n",
          train.size(), forget.length, 100 * o.forget, o.seed,
          accuracy(f.model(), original.parameters(), test), retrainSeconds);
      out.println("| method | retain acc | forget acc | test acc | ‖θ − θ_r‖/‖θ_r‖ | time (s) | time ÷ retrain |");
      out.println("|---|---|---|---|---|---|---|");
      row("(original)", f.model(), original.parameters(), retain, forgetSet, test,
          retrained.parameters(), Double.NaN, retrainSeconds);
      row("(retrained reference)", f.model(), retrained.parameters(), retain, forgetSet, test,
          retrained.parameters(), retrainSeconds, retrainSeconds);
      for (Unlearner u : unlearners) {
        if (!u.supports(f.model())) {
          out.printf("| %s | (does not support this model) ||||||%n", u.name());
          continue;
        }
        err.printf(Locale.ROOT, "[%s] %s...%n", name, u.name());
        UnlearningRequest request = UnlearningRequest.builder(f.model(), original.parameters(), train)
            .forgetRows(forget).recipe(f.recipe()).seed(o.seed).build();
        try {
          UnlearningResult r = u.unlearn(request);
          row(u.name(), f.model(), r.parameters(), retain, forgetSet, test, retrained.parameters(),
              r.cost().seconds(), retrainSeconds);
        } catch (UnlearningException e) {
          out.printf("| %s | failed: %s ||||||%n", u.name(), e.getMessage());
        }
      }
    }
  }

  private void row(String method, Model model, INDArray theta, Dataset retain, Dataset forget,
      Dataset test, INDArray reference, double seconds, double retrainSeconds) {
    Map<String, String> cells = new LinkedHashMap<>();
    cells.put("retain", fmt(accuracy(model, theta, retain)));
    cells.put("forget", fmt(accuracy(model, theta, forget)));
    cells.put("test", fmt(accuracy(model, theta, test)));
    cells.put("dist", String.format(Locale.ROOT, "%.3g", relativeDistance(theta, reference)));
    cells.put("time", Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.3f", seconds));
    cells.put("ratio", Double.isNaN(seconds) ? "-"
        : String.format(Locale.ROOT, "%.3f", seconds / retrainSeconds));
    out.println("| " + method + " | " + String.join(" | ", cells.values()) + " |");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  static double accuracy(Model model, INDArray theta, Dataset data) {
    INDArray pred = model.logits(theta, data.features(model.dataType())).argMax(1);
    long[] p = pred.toLongVector();
    int correct = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] == data.label(i)) {
        correct++;
      }
    }
    return correct / (double) p.length;
  }

  static double relativeDistance(INDArray a, INDArray b) {
    double[] x = a.toDoubleVector();
    double[] y = b.toDoubleVector();
    double num = 0;
    double den = 0;
    for (int i = 0; i < x.length; i++) {
      num += (x[i] - y[i]) * (x[i] - y[i]);
      den += y[i] * y[i];
    }
    return Math.sqrt(num / den);
  }
}

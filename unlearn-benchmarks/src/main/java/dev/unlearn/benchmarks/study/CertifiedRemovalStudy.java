package dev.unlearn.benchmarks.study;

import dev.unlearn.api.Certificate;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.hessian.unlearner.CertifiedRemoval;
import dev.unlearn.hessian.unlearner.CertifiedRemovalUnlearner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import dev.unlearn.metrics.score.Utility;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Guo et al.'s trade-off on digits: for each L2 strength &lambda; and perturbation &sigma;, trains
 * with objective perturbation, then removes random single rows one after another with {@code
 * certified-removal} at &epsilon; = 1, &delta; = 1e-4 until the accumulated residual bound exceeds the
 * budget &sigma;&epsilon;/c (or {@code --max} removals), and prints one line per setting: the number of
 * removals the budget supported, the test accuracy of the perturbed model before and after them
 * beside the unperturbed model's, and the bound against the true gradient residual of each removal.
 *
 * <pre>
 * java -Xmx2g -Dorg.bytedeco.javacpp.maxbytes=2g -Dorg.bytedeco.javacpp.maxphysicalbytes=4g \
 *   -cp unlearn-benchmarks/target/benchmarks.jar dev.unlearn.benchmarks.study.CertifiedRemovalStudy \
 *   [--rows unit|zscore] [--lambda 1e-3,1e-2] [--sigma 0.1,1,10] [--max 200] [--seed 1]
 * </pre>
 *
 * <p>{@code --rows unit} (the default) scales every feature row to unit Euclidean norm after the
 * standard z-scoring, the paper's preprocessing ({@link CertifiedRemoval#unitRows}); {@code zscore} keeps
 * the z-scored rows.
 */
public final class CertifiedRemovalStudy {
  private CertifiedRemovalStudy() {}

  /** One setting's outcome. */
  record Line(double lambda, double sigma, double accuracyUnperturbed, double accuracyBefore,
      double accuracyAfter, double accuracyRetrained, int supported, boolean exhausted, double budget, double meanBound,
      double minRatio, double maxRatio, double seconds) {}

  public static void main(String[] args) {
    String rows = "unit";
    double[] lambdas = {1e-4, 1e-3, 1e-2};
    double[] sigmas = {0.1, 1, 10};
    int max = 200;
    long seed = 1;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--rows" -> rows = args[i + 1];
        case "--lambda" -> lambdas = parse(args[i + 1]);
        case "--sigma" -> sigmas = parse(args[i + 1]);
        case "--max" -> max = Integer.parseInt(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (expected --rows, --lambda, --sigma, --max, --seed)");
      }
    }
    if (max < 1 || seed < 0) {
      throw new IllegalArgumentException("--max (" + max + ") must be >= 1 and --seed (" + seed
          + ") >= 0");
    }
    Split split = Digits.standardSplit();
    Dataset train = split.train();
    Dataset test = split.test();
    if (rows.equals("unit")) {
      train = CertifiedRemoval.unitRows(train);
      test = CertifiedRemoval.unitRows(test);
    } else if (!rows.equals("zscore")) {
      throw new IllegalArgumentException("--rows (" + rows + ") must be unit or zscore");
    }
    double c = CertifiedRemoval.cForDelta(1e-4);
    System.out.printf(Locale.ROOT, "digits (%s rows), n = %d, test %d, epsilon = 1, delta = %.3g "
        + "(c = %.4f), up to %d removals, seed %d%n", rows, train.size(), test.size(),
        CertifiedRemoval.delta(c), c, max, seed);
    System.out.println("| lambda | sigma | acc. unperturbed | acc. perturbed | acc. after removals "
        + "| acc. unperturbed, retrained without them | removals supported | budget | mean bound / removal | bound / true residual | s |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (double lambda : lambdas) {
      Model model = LogisticRegression.of(train.numFeatures(), train.numClasses()).withL2(lambda);
      INDArray plain = Trainer.train(model, train, TrainingRecipe.lbfgs(1e-10)).parameters();
      double accPlain = accuracy(model, plain, test);
      for (double sigma : sigmas) {
        Line l = run(model, train, test, sigma, c, max, seed, accPlain);
        System.out.printf(Locale.ROOT, "| %.0e | %g | %.4f | %.4f | %.4f | %.4f | %s%d | %.4g | %.4g | "
            + "%.3g-%.3g | %.1f |%n", l.lambda(), l.sigma(), l.accuracyUnperturbed(),
            l.accuracyBefore(), l.accuracyAfter(), l.accuracyRetrained(), l.exhausted() ? "" : "> ", l.supported(),
            l.budget(), l.meanBound(), l.minRatio(), l.maxRatio(), l.seconds());
      }
    }
  }

  static Line run(Model model, Dataset train, Dataset test, double sigma, double c, int max,
      long seed, double accPlain) {
    long start = System.nanoTime();
    int noiseSeed = (int) (seed % 1_000_000_000);
    INDArray theta = CertifiedRemoval.trainPerturbed(model, train, TrainingRecipe.lbfgs(1e-10),
        sigma, noiseSeed).parameters();
    double before = accuracy(model, theta, test);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < train.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
    // rows are removed one after another; ids refer to the original rows, so keep a map
    List<Integer> alive = new ArrayList<>(order.size());
    for (int i = 0; i < train.size(); i++) {
      alive.add(i);
    }
    CertifiedRemovalUnlearner unlearner = new CertifiedRemovalUnlearner();
    Dataset data = train;
    double spent = 0;
    int supported = 0;
    boolean exhausted = false;
    double budget = CertifiedRemoval.budget(sigma, 1, c);
    double sumBound = 0;
    double minRatio = Double.POSITIVE_INFINITY;
    double maxRatio = 0;
    INDArray certified = theta;
    for (int t = 0; t < Math.min(max, train.size() - 1); t++) {
      int row = alive.indexOf(order.get(t));
      UnlearningResult r = unlearner.unlearn(UnlearningRequest.builder(model, theta, data)
          .forgetRows(row).hyperparameters(Map.of("sigma", sigma, "noise-seed", noiseSeed,
              "epsilon", 1.0, "c", c, "spent-budget", spent)).build());
      Certificate cert = r.certificate().orElseThrow();
      double bound = r.diagnostics().get("residual-bound");
      double truth = r.diagnostics().get("gradient-residual");
      minRatio = Math.min(minRatio, bound / truth);
      maxRatio = Math.max(maxRatio, bound / truth);
      sumBound += bound;
      if (cert.retrainRequired()) {
        exhausted = true;
        break;
      }
      supported++;
      spent = cert.spent();
      theta = r.parameters();
      certified = theta;
      data = data.without(new int[] {row});
      alive.remove(row);
    }
    double after = accuracy(model, certified, test);
    // the oracle for what the removals themselves cost: the unperturbed model retrained on what remains
    double retrained = accuracy(model, Trainer.train(model, data, TrainingRecipe.lbfgs(1e-10))
        .parameters(), test);
    int tried = supported + (exhausted ? 1 : 0);
    return new Line(model.l2(), sigma, accPlain, before, after, retrained, supported, exhausted, budget,
        sumBound / Math.max(1, tried), minRatio, maxRatio, (System.nanoTime() - start) * 1e-9);
  }

  static double accuracy(Model model, INDArray theta, Dataset data) {
    return Utility.accuracy(model.logits(theta, data.features(model.dataType())), data.labels());
  }


  private static double[] parse(String list) {
    String[] parts = list.split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Double.parseDouble(parts[i].trim());
    }
    return out;
  }
}

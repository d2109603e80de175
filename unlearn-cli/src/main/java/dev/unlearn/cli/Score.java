package dev.unlearn.cli;

import dev.unlearn.metrics.forgetting.ConfidenceCsv;
import dev.unlearn.metrics.forgetting.ForgettingResult;
import dev.unlearn.metrics.forgetting.ForgettingScore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code unlearn score}: the competition's forgetting score F of two confidence files written by
 * models trained anywhere (one row per model, one column per forget example; the format of
 * {@link ConfidenceCsv}), computed as the organisers' {@code metric.py} does.
 */
@Command(name = "score", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"The forgetting quality F of the NeurIPS 2023 unlearning competition from two "
        + "CSV files of confidences (one row per model, one column per forget example; the same "
        + "N rows in both): the unlearned models' and the retrained models'. Prints F, N, the "
        + "bucket limit E and the per-example epsilons."})
final class Score implements Callable<Integer> {
  private final PrintStream out;

  @Option(names = "--unlearned", paramLabel = "FILE", required = true,
      description = "confidences of the unlearned models")
  Path unlearned;

  @Option(names = "--retrained", paramLabel = "FILE", required = true,
      description = "confidences of the models retrained without the forget set")
  Path retrained;

  Score(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    ForgettingResult r = ForgettingScore.compute(ConfidenceCsv.read(unlearned),
        ConfidenceCsv.read(retrained));
    out.printf(Locale.ROOT, "F = %.6f  (N = %d models per side, %d forget examples, E = %d)%n",
        r.forgettingQuality(), r.numModels(), r.numExamples(), r.maxEpsilon());
    out.println("example,epsilon,points");
    double[] eps = r.epsilons();
    double[] points = r.points();
    for (int s = 0; s < eps.length; s++) {
      out.printf(Locale.ROOT, "%d,%.6f,%.6f%n", s, eps[s], points[s]);
    }
    return 0;
  }
}

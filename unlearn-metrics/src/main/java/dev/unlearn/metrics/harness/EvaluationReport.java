package dev.unlearn.metrics.harness;

import java.util.List;
import java.util.Optional;

/**
 * Everything one {@link EvaluationHarness#run()} measured: the set-up, the original and retrained
 * models' scores, one {@link MethodReport} per unlearner (in the order they were given) and the
 * phase timings. Immutable. Written by {@link ReportWriters} and drawn by {@link SvgCharts}.
 *
 * @param setup what was evaluated
 * @param original the original model's scores (one model)
 * @param reference the retrained models' scores (means over N)
 * @param retrainSeconds the mean recorded wall time of training one retrained model (from the
 *     cache file when it was loaded)
 * @param retrainCpuSeconds the mean recorded CPU time of training one retrained model, the
 *     denominator of every time ratio
 * @param retrainGradientEquivalents one retraining's gradient-equivalents, in full-batch gradients
 *     on the training set
 * @param methods one report per unlearner
 * @param timings how long each phase took
 */
public record EvaluationReport(Setup setup, GroupScores original, GroupScores reference,
    double retrainSeconds, double retrainCpuSeconds, double retrainGradientEquivalents, List<MethodReport> methods,
    Timings timings) {

  public EvaluationReport {
    methods = List.copyOf(methods);
  }

  /** The report of the named method, if it was evaluated. */
  public Optional<MethodReport> method(String name) {
    return methods.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /**
   * What was evaluated.
   *
   * @param model the model family's description
   * @param recipe the training recipe
   * @param trainRows n
   * @param testRows the test rows
   * @param forgetRows |S|
   * @param numModels N
   * @param distinctRetrainedModels how many different retrained models the N are (1 for a recipe
   *     whose seed cannot matter, L-BFGS from zeros)
   * @param seed the harness seed
   * @param threads the worker threads
   * @param dataHash the SHA-256 of the training data's content
   * @param cacheDirectory the cache directory, or empty when disabled
   */
  public record Setup(String model, String recipe, int trainRows, int testRows, int forgetRows,
      int numModels, int distinctRetrainedModels, long seed, int threads, String dataHash,
      String cacheDirectory) {}

  /**
   * Wall times of the phases, in seconds.
   *
   * @param originalSeconds obtaining the original model (training or loading)
   * @param originalFromCache whether it was loaded
   * @param retrainedSeconds obtaining the distinct retrained models
   * @param retrainedTrained how many were trained in this run
   * @param retrainedLoaded how many were loaded from the cache
   * @param retrainedRecordedSeconds the recorded training time summed over the distinct retrained
   *     models (what training them took, whether now or when they were cached)
   * @param unlearningSeconds every unlearning run with its scoring
   * @param totalSeconds the whole run
   */
  public record Timings(double originalSeconds, boolean originalFromCache,
      double retrainedSeconds, int retrainedTrained, int retrainedLoaded,
      double retrainedRecordedSeconds, double unlearningSeconds, double totalSeconds) {}
}

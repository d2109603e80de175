package dev.unlearn.metrics.harness;

/**
 * The measured cost of one unlearning method (wall times vary from run to run; the counts do not).
 *
 * @param seconds the mean wall time of one unlearning run (the unlearner's own {@code Cost})
 * @param cpuSeconds the mean CPU time of the calling thread during one unlearning run, measured by
 *     the harness around {@code unlearn}
 * @param timeRatio {@code cpuSeconds} divided by the mean CPU time of training one retrained model
 *     (CPU time, not wall time, so that other load on a shared machine does not move it; it
 *     assumes ND4J works on the calling thread, {@code OMP_NUM_THREADS=1})
 * @param wallTimeRatio {@code seconds} divided by the mean wall time of training one retrained
 *     model
 * @param gradientEquivalentRatio the method's mean gradient-equivalents divided by one retraining's,
 *     both in full-batch gradients on the training set
 * @param underTimeLimit whether {@code timeRatio} &le; 0.2, the competition's limit
 */
public record MethodCost(double seconds, double cpuSeconds, double timeRatio,
    double wallTimeRatio, double gradientEquivalentRatio,
    boolean underTimeLimit) {
  /** The competition's limit on an unlearning run: 20 % of the retraining time. */
  public static final double TIME_LIMIT_RATIO = 0.2;
}

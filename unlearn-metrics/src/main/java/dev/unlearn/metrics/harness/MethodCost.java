package dev.unlearn.metrics.harness;

/**
 * The measured cost of one unlearning method (wall times vary from run to run; the counts do not).
 *
 * @param seconds the mean wall time of one unlearning run
 * @param timeRatio {@code seconds} divided by the mean recorded training time of one retrained model
 * @param gradientEquivalentRatio the method's mean gradient-equivalents divided by one retraining's,
 *     both in full-batch gradients on the training set
 * @param underTimeLimit whether {@code timeRatio} &le; 0.2, the competition's limit
 */
public record MethodCost(double seconds, double timeRatio, double gradientEquivalentRatio,
    boolean underTimeLimit) {
  /** The competition's limit on an unlearning run: 20 % of the retraining time. */
  public static final double TIME_LIMIT_RATIO = 0.2;
}

/**
 * The other scores of docs/metrics.md, "Other scores", as pure functions over arrays: utility (accuracy and
 * mean cross-entropy from logits, {@link dev.unlearn.metrics.score.Utility}), output divergence
 * between two models' probabilities (mean KL and Jensen&ndash;Shannon, {@link
 * dev.unlearn.metrics.score.Divergence}), membership inference on losses (loss-threshold AUC and
 * the logistic-regression attack, {@link dev.unlearn.metrics.score.MembershipInference}), the
 * relative parameter distance ({@link dev.unlearn.metrics.score.ParameterDistance}) and canary
 * exposure ({@link dev.unlearn.metrics.score.Exposure}). Everything accumulates in {@code double};
 * this package may use the JDK, unlearn-api and {@code nd4j-api} (only to read arrays out).
 */
package dev.unlearn.metrics.score;

/**
 * The forgetting score of the first NeurIPS (2023) unlearning competition (Triantafillou et al.,
 * arXiv 2406.09073), reproduced exactly as docs/metrics.md, "The competition score F" specifies and computed on the CPU:
 * {@link dev.unlearn.metrics.forgetting.LogitScaledConfidence} turns logits into the per-example
 * statistic, {@link dev.unlearn.metrics.forgetting.ForgettingScore} computes the per-example
 * &epsilon;, the points and the forgetting quality F ({@link
 * dev.unlearn.metrics.forgetting.ForgettingResult}), {@link
 * dev.unlearn.metrics.forgetting.CompetitionScore} combines F with the accuracy ratios, and
 * {@link dev.unlearn.metrics.forgetting.ConfidenceCsv} reads confidence matrices from CSV. Pure
 * functions over {@code double} arrays; this package may use the JDK, unlearn-api and
 * {@code nd4j-api} (only to read logits out of an {@code INDArray}).
 */
package dev.unlearn.metrics.forgetting;

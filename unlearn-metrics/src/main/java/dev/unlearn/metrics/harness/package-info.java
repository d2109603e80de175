/**
 * The evaluation harness of docs/metrics.md: {@link dev.unlearn.metrics.harness.EvaluationHarness}
 * trains the original model once, runs each unlearner N times from it, trains (or loads from the
 * on-disk {@link dev.unlearn.metrics.harness.ModelCache}) N models retrained without the forget set,
 * and computes every score of {@code dev.unlearn.metrics.forgetting} and {@code
 * dev.unlearn.metrics.score} into an immutable {@link dev.unlearn.metrics.harness.EvaluationReport},
 * which {@link dev.unlearn.metrics.harness.ReportWriters} writes as JSON and CSV and {@link
 * dev.unlearn.metrics.harness.SvgCharts} draws as SVG. Every number is defined in {@code
 * docs/metrics.md}. This package may use the JDK (a fixed thread pool, {@code java.nio.file}, SHA-256
 * from {@code java.security}), unlearn-api, unlearn-core (the trainer and the registry), {@code
 * nd4j-api} and {@code slf4j-api}; no other dependency.
 */
package dev.unlearn.metrics.harness;

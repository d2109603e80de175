/**
 * Performance measurements only: the JMH benchmarks of the hot loops ({@code jmh}) and the
 * resident-memory probes ({@code memory}). The scoreboard and the other commands live in
 * {@code unlearn-cli}. May use every Unlearn module, an SLF4J binding and JMH.
 */
package dev.unlearn.benchmarks;

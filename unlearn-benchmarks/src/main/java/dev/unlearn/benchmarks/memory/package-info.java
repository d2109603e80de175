/**
 * Measurements that are not JMH benchmarks: the resident memory of long runs under ND4J's
 * off-heap limits ({@link dev.unlearn.benchmarks.memory.MemoryProbe}).
 */
package dev.unlearn.benchmarks.memory;

/**
 * The command-line entry points (the scoreboard, the README's main job) and the JMH benchmarks of
 * the hot loops. May use every Unlearn module, an SLF4J binding and JMH.
 */
package dev.unlearn.benchmarks;

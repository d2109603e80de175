/**
 * Studies that are not timings: programs that sweep hyperparameters and print the curve a
 * default is chosen from (run from the benchmarks jar with {@code java -cp}).
 */
package dev.unlearn.benchmarks.study;

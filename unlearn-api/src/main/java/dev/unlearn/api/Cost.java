package dev.unlearn.api;

import java.time.Duration;
import java.util.Locale;

/**
 * What an unlearning run cost.
 *
 * @param wallNanos wall-clock time of the run
 * @param gradientEvaluations gradient-equivalents: per-example gradients computed, divided by the
 *     number of training rows n (one full-batch gradient on the training set counts 1.0)
 * @param hessianVectorProducts Hessian-, Gauss-Newton- or Fisher-vector products, each counted
 *     once per vector (a block of k counts k), whatever batch it ran on
 * @param solverIterations iterations of inner solvers or optimiser steps
 * @param peakMemoryBytes peak extra memory when known, else -1
 */
public record Cost(long wallNanos, double gradientEvaluations, long hessianVectorProducts,
    long solverIterations, long peakMemoryBytes) implements java.io.Serializable {

  public Cost {
    InvalidInputException.check(wallNanos >= 0, "wallNanos (%d) must be >= 0", wallNanos);
    InvalidInputException.check(gradientEvaluations >= 0, "gradientEvaluations (%s) must be >= 0",
        gradientEvaluations);
  }

  public Duration wallTime() {
    return Duration.ofNanos(wallNanos);
  }

  public double seconds() {
    return wallNanos * 1e-9;
  }

  /** Adds the counts (and wall times) of two runs; the peak memory is the larger. */
  public Cost plus(Cost o) {
    return new Cost(wallNanos + o.wallNanos, gradientEvaluations + o.gradientEvaluations,
        hessianVectorProducts + o.hessianVectorProducts, solverIterations + o.solverIterations,
        Math.max(peakMemoryBytes, o.peakMemoryBytes));
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "Cost[%.3f s, %.2f grad-eq, %d HVPs, %d iterations]",
        seconds(), gradientEvaluations, hessianVectorProducts, solverIterations);
  }

  /**
   * A mutable counter for one run on one thread: started at construction, read once with
   * {@link #stop()}. It carries the run's {@link RunMonitor}, so that every loop that counts its
   * work can also check its budget, listener and interrupts.
   */
  public static final class Meter {
    private final long start = System.nanoTime();
    private final int trainingRows;
    private final RunMonitor monitor;
    private long exampleGradients;
    private long hvps;
    private long iterations;

    /** @param trainingRows n, the size of the full training set (the unit of gradient-equivalents) */
    public Meter(int trainingRows) {
      this(trainingRows, RunMonitor.unbounded());
    }

    /**
     * @param trainingRows n, the size of the full training set
     * @param monitor the run's budget, listener and interrupt watch
     */
    public Meter(int trainingRows, RunMonitor monitor) {
      InvalidInputException.check(trainingRows > 0, "trainingRows (%d) must be > 0", trainingRows);
      InvalidInputException.check(monitor != null, "monitor must not be null");
      this.trainingRows = trainingRows;
      this.monitor = monitor;
    }

    /** The run's monitor. */
    public RunMonitor monitor() {
      return monitor;
    }

    /** Counts one gradient evaluation over {@code rows} examples. */
    public Meter gradient(int rows) {
      exampleGradients += rows;
      return this;
    }

    /** Counts {@code count} curvature-vector products. */
    public Meter hvps(long count) {
      hvps += count;
      return this;
    }

    /** Counts {@code count} solver or optimiser iterations. */
    public Meter iterations(long count) {
      iterations += count;
      return this;
    }

    /**
     * Adds the counts of an inner run (not its wall time, which this meter measures itself) whose
     * gradient-equivalents were counted against a set of {@code innerRows} rows.
     */
    public Meter add(Cost inner, int innerRows) {
      exampleGradients += Math.round(inner.gradientEvaluations() * innerRows);
      hvps += inner.hessianVectorProducts();
      iterations += inner.solverIterations();
      return this;
    }

    public Cost stop() {
      return new Cost(System.nanoTime() - start, exampleGradients / (double) trainingRows, hvps,
          iterations, -1);
    }
  }
}

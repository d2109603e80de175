/**
 * The JMH benchmarks of the hot loops (docs/performance.md): model gradients and curvature products
 * ({@link dev.unlearn.benchmarks.jmh.ModelBenchmark}), the inverse-HVP solvers ({@link
 * dev.unlearn.benchmarks.jmh.SolverBenchmark}), the competition's forgetting score ({@link
 * dev.unlearn.benchmarks.jmh.ForgettingScoreBenchmark}) and the GEMM ceiling that limits them all
 * ({@link dev.unlearn.benchmarks.jmh.GemmBenchmark}). Each class keeps the gradient (or the raw
 * GEMM) as its baseline beside the code under test; the amortised deletion requests ({@link
 * dev.unlearn.benchmarks.jmh.DeletionBenchmark}) have retraining as theirs. Built into {@code
 * unlearn-benchmarks/target/benchmarks.jar}; run by {@code unlearn-benchmarks/run-benchmarks.sh}.
 * May use every Unlearn module and JMH.
 */
package dev.unlearn.benchmarks.jmh;

package dev.unlearn.benchmarks.jmh;

import dev.unlearn.metrics.forgetting.ForgettingResult;
import dev.unlearn.metrics.forgetting.ForgettingScore;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The competition's forgetting score (docs/metrics.md, "The competition score F") on N &times; |S| random logit-scaled
 * confidences: unlearned ~ N(0.2, 1), retrained ~ N(0, 1) per example, seeded. Target: &le; 2 s
 * at |S| = 1000, N = 512 on the 2-core machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.HEAP, Jvm.MAX_BYTES, Jvm.MAX_PHYSICAL})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class ForgettingScoreBenchmark {
  @Param({"1000"})
  public int examples;

  @Param({"512"})
  public int models;

  double[][] unlearned;
  double[][] retrained;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom rng = new SplittableRandom(4);
    unlearned = new double[models][examples];
    retrained = new double[models][examples];
    for (int i = 0; i < models; i++) {
      for (int s = 0; s < examples; s++) {
        unlearned[i][s] = 0.2 + Problem.gaussian(rng);
        retrained[i][s] = Problem.gaussian(rng);
      }
    }
  }

  /** The score, in parallel over the examples (the library default). */
  @Benchmark
  public ForgettingResult score() {
    return ForgettingScore.compute(unlearned, retrained);
  }

  /** The score on the calling thread only. */
  @Benchmark
  public ForgettingResult scoreSequential() {
    return ForgettingScore.compute(unlearned, retrained, false);
  }
}

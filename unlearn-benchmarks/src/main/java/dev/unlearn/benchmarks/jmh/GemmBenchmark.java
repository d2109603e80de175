package dev.unlearn.benchmarks.jmh;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
 * The ceiling: {@code Nd4j.gemm} into a preallocated output at the sizes of the model products,
 * {@code "m x k x n"} with an optional {@code t} (A transposed, the weight-gradient product
 * X<sup>T</sup>D). GFLOP/s = 2 m k n / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.HEAP, Jvm.MAX_BYTES, Jvm.MAX_PHYSICAL})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark {
  @Param({"1437x64x128", "64x1437x128t", "10000x784x512", "784x10000x512t"})
  public String shape;

  @Param({"float64", "float32"})
  public String dtype;

  INDArray a;
  INDArray b;
  INDArray c;
  boolean transA;

  @Setup(Level.Trial)
  public void setUp() {
    String s = shape.toLowerCase(Locale.ROOT);
    transA = s.endsWith("t");
    String[] mkn = (transA ? s.substring(0, s.length() - 1) : s).split("x");
    int m = Integer.parseInt(mkn[0]);
    int k = Integer.parseInt(mkn[1]);
    int n = Integer.parseInt(mkn[2]);
    DataType type = Problem.dataType(dtype);
    a = random(transA ? k : m, transA ? m : k, type, 5);
    b = random(k, n, type, 6);
    c = Nd4j.create(type, new long[] {m, n}, 'c');
  }

  static INDArray random(int rows, int cols, DataType type, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[rows * cols];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextDouble() - 0.5;
    }
    return Nd4j.createFromArray(x).reshape('c', rows, cols).castTo(type);
  }

  /** C = op(A) B. */
  @Benchmark
  public INDArray gemm() {
    return Nd4j.gemm(a, b, c, transA, false, 1.0, 0.0);
  }
}

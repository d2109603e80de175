package dev.unlearn.benchmarks.jmh;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import java.util.concurrent.TimeUnit;
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
 * Gradients and curvature products of the three {@link Problem}s, float64 and float32, at the
 * seeded initial &theta; with a seeded unit direction v (what the peer's {@code hvp} command
 * times). Two honest pairs: a full point ({@code at(θ, X)} then one product, like PyTorch's
 * forward + backward [+ double backward]) and a cached point (the forward and backward pass kept,
 * like PyTorch's retained graph: what one CG iteration pays). The gradient is the baseline; the
 * targets are HVP &le; 2.2 &times; gradient within each pair, and both &le; the peer's time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.HEAP, Jvm.MAX_BYTES, Jvm.MAX_PHYSICAL})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ModelBenchmark {
  /** Rows of the per-example gradient benchmark on the synthetic problem (n p must fit 24 GiB). */
  static final int PER_EXAMPLE_ROWS_SYNTHETIC = 256;

  @Param({"DIGITS_LOGISTIC", "DIGITS_MLP", "SYNTHETIC_MLP"})
  public Problem problem;

  @Param({"float64", "float32"})
  public String dtype;

  Model model;
  Dataset data;
  Dataset perExampleData;
  INDArray theta;
  INDArray v;
  INDArray out;
  INDArray gradOut;
  ModelPoint cached;

  @Setup(Level.Trial)
  public void setUp() {
    model = problem.model(dtype);
    data = problem.data();
    theta = model.initialParameters(0);
    v = Problem.unitVector(model.numParameters(), model.dataType(), 1);
    out = Nd4j.createUninitialized(model.dataType(), new long[] {model.numParameters()}, 'c');
    gradOut = Nd4j.createUninitialized(model.dataType(), new long[] {model.numParameters()}, 'c');
    cached = model.at(theta, data);
    cached.gradient();
    cached.hessianVectorProduct(v, out);
    cached.gaussNewtonVectorProduct(v, out);
    if (problem == Problem.SYNTHETIC_MLP) {
      int[] rows = new int[PER_EXAMPLE_ROWS_SYNTHETIC];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = i;
      }
      perExampleData = data.rows(rows);
    } else {
      perExampleData = data;
    }
  }

  /** Baseline: forward + backward at a fresh point. */
  @Benchmark
  public INDArray gradient() {
    return model.at(theta, data).gradient();
  }

  /** The convenience method {@code Model.gradient(θ, X)} (may reuse pooled buffers). */
  @Benchmark
  public INDArray gradientConvenience() {
    return model.gradient(theta, data);
  }

  /**
   * Forward + backward at a fresh &theta; into a preallocated output: {@code Model.gradient(θ, X,
   * out)}, which reloads one reused point per thread (&theta; copied and the passes rerun on every
   * call), the allocation-free form of {@link #gradient}.
   */
  @Benchmark
  public INDArray gradientInto() {
    return model.gradient(theta, data, gradOut);
  }

  /** The exact HVP at a fresh &theta; into a preallocated output ({@code Model.hessianVectorProduct(θ, X, v, out)}). */
  @Benchmark
  public INDArray hvpInto() {
    return model.hessianVectorProduct(theta, data, v, out);
  }

  /** Exact HVP at a fresh point: forward, backward and the R-passes. */
  @Benchmark
  public INDArray hvp() {
    return model.at(theta, data).hessianVectorProduct(v);
  }

  /** The convenience method {@code Model.hessianVectorProduct(θ, X, v)}. */
  @Benchmark
  public INDArray hvpConvenience() {
    return model.hessianVectorProduct(theta, data, v);
  }

  /** Gauss-Newton product at a fresh point. */
  @Benchmark
  public INDArray ggn() {
    return model.at(theta, data).gaussNewtonVectorProduct(v);
  }

  /** Gradient at a point whose forward and backward pass are kept (the weight products only). */
  @Benchmark
  public INDArray gradientCached() {
    return cached.gradient();
  }

  /** Exact HVP at a kept point into a preallocated output: one CG matvec. */
  @Benchmark
  public INDArray hvpCached() {
    return cached.hessianVectorProduct(v, out);
  }

  /** Gauss-Newton product at a kept point into a preallocated output. */
  @Benchmark
  public INDArray ggnCached() {
    return cached.gaussNewtonVectorProduct(v, out);
  }

  /**
   * Per-example gradients, n &times; p (the first {@value #PER_EXAMPLE_ROWS_SYNTHETIC} rows on the
   * synthetic problem: all 10 000 would need 33 GB in float64).
   */
  @Benchmark
  public INDArray perExampleGradients() {
    return model.at(theta, perExampleData).perExampleGradients();
  }
}

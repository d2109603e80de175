package dev.unlearn.benchmarks.jmh;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.core.train.TrainingResult;
import dev.unlearn.hessian.amortized.AmortizedDeleter;
import dev.unlearn.hessian.service.DeletionService;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Amortised deletion on digits softmax regression (64 -> 10, lambda = 1e-3, L-BFGS to 1e-6 on the
 * 1437 training rows), against its baseline, retraining from scratch on the retain set with the
 * same recipe. One operation of {@link #deletionStream} is the stream of 20 requests of 1 %
 * of the rows (14 rows each) on a freshly prepared Cholesky deleter (preparation is outside the
 * timing: it is paid once per trained model); one operation of {@link #retrain} is one L-BFGS
 * retraining without the first request's rows. Target: per request (the stream's time / 20) at
 * least 100 x below {@link #retrain}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.HEAP, Jvm.MAX_BYTES, Jvm.MAX_PHYSICAL})
@Warmup(iterations = 10)
@Measurement(iterations = 30)
public class DeletionBenchmark {
  static final int REQUESTS = 20;

  Model model;
  Dataset train;
  INDArray theta;
  int[][] requests;
  Dataset retainAfterFirst;
  AmortizedDeleter deleter;

  @Setup(Level.Trial)
  public void setUp() {
    Split digits = Digits.standardSplit();
    train = digits.train();
    model = LogisticRegression.of(64, 10).withL2(1e-3);
    TrainingResult r = Trainer.train(model, train, TrainingRecipe.lbfgs(1e-6));
    theta = r.parameters();
    int per = (int) Math.round(0.01 * train.size()); // 14 rows = 1 %
    int[] order = new int[train.size()];
    Arrays.setAll(order, i -> i);
    SplittableRandom rng = new SplittableRandom(13);
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    requests = new int[REQUESTS][];
    for (int q = 0; q < REQUESTS; q++) {
      requests[q] = Arrays.copyOfRange(order, q * per, (q + 1) * per);
    }
    retainAfterFirst = train.without(requests[0].clone());
  }

  /** A fresh deleter for every shot (its state changes with each deletion). Not timed. */
  @Setup(Level.Iteration)
  public void prepare() {
    deleter = AmortizedDeleter.prepare(model, theta, train, AmortizedDeleter.Options.cholesky(0));
  }

  /** The stream of 20 deletion requests of 1 % each; divide by 20 for one request. */
  @Benchmark
  public void deletionStream(Blackhole bh) {
    for (int[] rows : requests) {
      bh.consume(deleter.delete(rows).parameters());
    }
  }

  /**
   * The same 20 requests served by the deletion service: the exact Newton step on the rows that
   * remain (the dense curvature downdated by the deleted rows' factors, then a Cholesky solve).
   * Preparation per shot, not timed. Target: per request at least 50 x below {@link #retrain}.
   */
  @Benchmark
  public void serviceStream(ServiceState state, Blackhole bh) {
    for (int q = 0; q < REQUESTS; q++) {
      bh.consume(state.service.delete("r" + q, requests[q]).parameters());
    }
  }

  /** A freshly prepared deletion service for every shot. */
  @State(Scope.Thread)
  public static class ServiceState {
    DeletionService service;

    @Setup(Level.Iteration)
    public void prepare(DeletionBenchmark b) {
      service = DeletionService.prepare(b.model, b.theta, b.train, 0, null);
    }
  }

  /**
   * The digits MLP (64-128-10, tanh, L2 1e-3; Adam for 30 epochs, the scoreboard's recipe, then
   * L-BFGS to 1e-6): the same 20 requests served by the service's Gauss-Newton solve (CG on the
   * remaining rows, Nystr&ouml;m-preconditioned). Preparation per shot, not timed.
   */
  @Benchmark
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public void serviceStreamMlp(MlpState state, Blackhole bh) {
    for (int q = 0; q < REQUESTS; q++) {
      bh.consume(state.service.delete("r" + q, requests[q]).parameters());
    }
  }

  /** The MLP's baseline: the scoreboard's recipe (Adam, 30 epochs) from scratch on the retain set. */
  @Benchmark
  @Warmup(iterations = 2)
  @Measurement(iterations = 5)
  public INDArray retrainMlp(MlpState state) {
    return Trainer.train(state.mlp, retainAfterFirst, MlpState.RECIPE).parameters();
  }

  /** The trained MLP and a freshly prepared service for every shot. */
  @State(Scope.Benchmark)
  public static class MlpState {
    static final TrainingRecipe RECIPE = TrainingRecipe.adam(30, 64, 1e-3, 0);
    Model mlp;
    INDArray theta;
    DeletionService service;

    @Setup(Level.Trial)
    public void train(DeletionBenchmark b) {
      mlp = Mlp.of(Activation.TANH, 64, 128, 10).withL2(1e-3);
      INDArray adam = Trainer.train(mlp, b.train, RECIPE).parameters();
      theta = Trainer.builder(TrainingRecipe.lbfgs(1e-6)).start(adam).build().train(mlp, b.train)
          .parameters();
    }

    @Setup(Level.Iteration)
    public void prepare(DeletionBenchmark b) {
      service = DeletionService.prepare(mlp, theta, b.train, 0, null);
    }
  }

  /** The baseline: retraining from zeros on the retain set of the first request. */
  @Benchmark
  public INDArray retrain() {
    return Trainer.train(model, retainAfterFirst, TrainingRecipe.lbfgs(1e-6)).parameters();
  }
}

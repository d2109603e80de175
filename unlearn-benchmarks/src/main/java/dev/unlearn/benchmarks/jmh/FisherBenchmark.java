package dev.unlearn.benchmarks.jmh;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.core.train.Trainer;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
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
 * The Fisher unlearners on digits softmax regression (64 -> 10, lambda = 1e-3, L-BFGS to 1e-6 on
 * the 1437 training rows; 5 rows forgotten, so 1432 retain rows) as the number of Fisher samples m
 * grows: {@code fisher-forgetting} with its exact F<sup>-1/4</sup> ({@code lowrank}: an m &times; m
 * eigendecomposition) against its baseline {@code fisher-removal} (Woodbury solve, m &times; m
 * Cholesky). The reliability campaign measured 0.9 s at m = 256 and 68 s at m = 1432 for
 * {@code fisher-forgetting} when the eigendecomposition was a plain-Java Jacobi.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.HEAP, Jvm.MAX_BYTES, Jvm.MAX_PHYSICAL})
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class FisherBenchmark {
  @Param({"256", "1432"})
  int samples;

  UnlearningRequest request;
  Unlearner forgetting;
  Unlearner removal;

  @Setup(Level.Trial)
  public void setUp() {
    Dataset train = Digits.standardSplit().train();
    Model model = LogisticRegression.of(64, 10).withL2(1e-3);
    INDArray theta = Trainer.train(model, train, TrainingRecipe.lbfgs(1e-6)).parameters();
    request = UnlearningRequest.builder(model, theta, train).forgetRows(0, 1, 2, 3, 4)
        .hyperparameter("fisher-samples", samples).seed(3).build();
    forgetting = Unlearners.forName("fisher-forgetting");
    removal = Unlearners.forName("fisher-removal");
  }

  @Benchmark
  public INDArray fisherForgetting() {
    return forgetting.unlearn(request).parameters();
  }

  @Benchmark
  public INDArray fisherRemoval() {
    return removal.unlearn(request).parameters();
  }
}

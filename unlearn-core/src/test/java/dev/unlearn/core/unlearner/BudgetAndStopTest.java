package dev.unlearn.core.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.Progress;
import dev.unlearn.api.Termination;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.core.train.TrainingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The request's budget and progress listener, on the digits MLP (64-32-10): a budget ends a long
 * fine-tuning on time with a typed outcome, and a listener that stops after k epochs gives exactly
 * the parameters of a k-epoch run (the oracle: the same fine-tuning with k epochs).
 */
class BudgetAndStopTest {
  private static final Dataset TRAIN = Digits.standardSplit().train();
  private static final Model MODEL = Mlp.of(Activation.TANH, 64, 32, 10).withL2(1e-3);
  private static final INDArray THETA = MODEL.initialParameters(5);
  private static final int[] FORGET = ForgetSets.randomFraction(TRAIN, 0.1, 3);

  private static UnlearningRequest.Builder finetune(int epochs) {
    return UnlearningRequest.builder(MODEL, THETA, TRAIN).forgetRows(FORGET).seed(9)
        .hyperparameter("epochs", epochs).hyperparameter("learning-rate", 1e-3);
  }

  @Test
  void aTwoSecondBudgetEndsA2000EpochFinetuneWithin3SecondsAndSaysSo() {
    long start = System.nanoTime();
    UnlearningResult r = new FinetuneUnlearner()
        .unlearn(finetune(2000).budget(Duration.ofSeconds(2)).build());
    double seconds = (System.nanoTime() - start) * 1e-9;
    System.out.printf("finetune, 2000 epochs, 2 s budget: returned after %.2f s, %d steps%n",
        seconds, r.cost().solverIterations());
    assertThat(seconds).isBetween(2.0, 3.0);
    assertThat(r.termination()).isEqualTo(Termination.BUDGET_SPENT);
    assertThat(r.endedEarly()).isTrue();
    assertThat(r.converged()).isFalse();
    // what it had done is kept: fewer steps than 2000 epochs, but some
    int stepsPerEpoch = (TRAIN.size() - FORGET.length + 31) / 32;
    assertThat(r.cost().solverIterations()).isPositive().isLessThan(2000L * stepsPerEpoch);
    assertThat(r.parameters()).isNotEqualTo(THETA);
  }

  @Test
  void aListenerThatStopsAfterFiveEpochsGivesTheFiveEpochResult() {
    List<Progress> seen = new ArrayList<>();
    UnlearningResult stopped = new FinetuneUnlearner().unlearn(finetune(50).listener(p -> {
      seen.add(p);
      return p.iteration() < 5;
    }).build());
    UnlearningResult five = new FinetuneUnlearner().unlearn(finetune(5).build());
    assertThat(stopped.termination()).isEqualTo(Termination.STOPPED);
    assertThat(stopped.converged()).isFalse();
    assertThat(five.termination()).isEqualTo(Termination.COMPLETED);
    assertThat(stopped.parameters()).isEqualTo(five.parameters());
    assertThat(seen).extracting(Progress::iteration).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(seen).allSatisfy(p -> {
      assertThat(p.phase()).isEqualTo("epoch");
      assertThat(p.loss()).isFinite().isPositive();
    });
  }

  @Test
  void retrainReportsEveryLbfgsIterationWithAFallingObjectiveAndStopsWhenAsked() {
    List<Progress> seen = new ArrayList<>();
    Model logistic = LogisticRegression.of(64, 10).withL2(1e-3); // L-BFGS from zeros, as retrain does
    UnlearningRequest request = UnlearningRequest.builder(logistic,
        logistic.initialParameters(1), TRAIN).forgetRows(FORGET)
        .recipe(TrainingRecipe.lbfgs(1e-8)).listener(p -> {
      seen.add(p);
      return p.iteration() < 12;
    }).build();
    UnlearningResult r = new RetrainUnlearner().unlearn(request);
    assertThat(r.termination()).isEqualTo(Termination.STOPPED);
    assertThat(seen).hasSize(12);
    for (int i = 1; i < seen.size(); i++) { // strong-Wolfe steps decrease the objective
      assertThat(seen.get(i).loss()).isLessThan(seen.get(i - 1).loss());
    }
    // the oracle: the objective of the returned parameters is the last one reported
    double loss = logistic.at(r.parameters(), request.retainSet()).loss();
    assertThat(loss).isCloseTo(seen.get(11).loss(), org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void aCompletedRunSaysCompletedAndAGenerousBudgetChangesNothing() {
    UnlearningResult plain = new FinetuneUnlearner().unlearn(finetune(2).build());
    UnlearningResult budgeted = new FinetuneUnlearner()
        .unlearn(finetune(2).budget(Duration.ofMinutes(5)).build());
    assertThat(plain.termination()).isEqualTo(Termination.COMPLETED);
    assertThat(budgeted.termination()).isEqualTo(Termination.COMPLETED);
    assertThat(budgeted.parameters()).isEqualTo(plain.parameters());
  }

  @Test
  void trainerWithAMonitorStopsAndReportsWhy() {
    TrainingResult r = Trainer.builder(TrainingRecipe.adam(100, 32, 1e-3, 1))
        .monitor(dev.unlearn.api.RunMonitor.of(null, p -> p.iteration() < 3)).build()
        .train(MODEL, TRAIN);
    TrainingResult three = Trainer.train(MODEL, TRAIN, TrainingRecipe.adam(3, 32, 1e-3, 1));
    assertThat(r.termination()).isEqualTo(Termination.STOPPED);
    assertThat(r.parameters()).isEqualTo(three.parameters());
    assertThat(r.iterations()).isEqualTo(three.iterations());
  }
}

package dev.unlearn.hessian.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.Termination;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningInterruptedException;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.core.registry.Unlearners;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every built-in unlearner, set up to run for a long time on digits (minutes, or forever), ends
 * within 1 s of {@link Thread#interrupt()} with {@link UnlearningInterruptedException} and the
 * interrupt status set again; and a budget ends a second-order solve on time.
 */
class InterruptAndBudgetTest {
  private static final Dataset TRAIN = Digits.standardSplit().train();
  private static final Model MLP = Mlp.of(Activation.TANH, 64, 32, 10).withL2(1e-3);
  private static final Model LOGISTIC = LogisticRegression.of(64, 10).withL2(1e-3);
  private static final int[] FORGET = ForgetSets.randomFraction(TRAIN, 0.1, 3);

  /** Settings under which each method runs far longer than the test waits. */
  private static Map<String, UnlearningRequest> longRuns() {
    Map<String, UnlearningRequest> runs = new TreeMap<>();
    INDArray mlpTheta = MLP.initialParameters(5);
    INDArray logTheta = LOGISTIC.initialParameters(5);
    for (String name : new String[] {"finetune", "gradient-ascent", "neggrad-plus", "random-label",
        "erase-repair", "scrub"}) {
      runs.put(name, request(MLP, mlpTheta).hyperparameter("epochs", 10_000)
          .hyperparameter("batch-size", 8).build());
    }
    runs.put("retrain", request(MLP, mlpTheta)
        .recipe(TrainingRecipe.adam(10_000, 8, 1e-3, 1)).build());
    runs.put("newton", request(MLP, mlpTheta).hyperparameter("tolerance", 1e-300)
        .hyperparameter("max-iterations", 10_000_000).hyperparameter("damping", 1e-3).build());
    runs.put("certified-removal", request(LOGISTIC, logTheta)
        .hyperparameter("tolerance", 1e-300).build());
    // the Fisher methods have no long loop, but with every retain row as a sample (5 x the default)
    // they take over a second of per-example gradients, gemms and LAPACK factorizations; SSD is
    // short whatever its settings
    runs.put("fisher-removal", request(MLP, mlpTheta).hyperparameter("fisher-samples", 1_000_000)
        .build());
    runs.put("fisher-forgetting", request(MLP, mlpTheta)
        .hyperparameter("fisher-samples", 1_000_000).build());
    runs.put("ssd", request(MLP, mlpTheta).build());
    return runs;
  }

  private static UnlearningRequest.Builder request(Model model, INDArray theta) {
    return UnlearningRequest.builder(model, theta, TRAIN).forgetRows(FORGET).seed(4);
  }

  @Test
  void anInterruptEndsEveryBuiltInUnlearnerWithinOneSecond() throws Exception {
    Map<String, UnlearningRequest> runs = longRuns();
    assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(Unlearners.registry().names());
    for (Map.Entry<String, UnlearningRequest> e : runs.entrySet()) {
      Unlearner u = Unlearners.forName(e.getKey());
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      AtomicReference<UnlearningResult> result = new AtomicReference<>();
      AtomicBoolean flagAfter = new AtomicBoolean();
      Thread t = new Thread(() -> {
        try {
          result.set(u.unlearn(e.getValue()));
        } catch (Throwable ex) {
          thrown.set(ex);
        }
        flagAfter.set(Thread.currentThread().isInterrupted());
      }, "unlearn-" + e.getKey());
      t.start();
      Thread.sleep(300);
      boolean runningAtInterrupt = t.isAlive();
      long interrupted = System.nanoTime();
      t.interrupt();
      t.join(5_000);
      double after = (System.nanoTime() - interrupted) * 1e-9;
      System.out.printf("%-18s running at the interrupt: %-5s ended %.3f s after it: %s%n",
          e.getKey(), runningAtInterrupt, after,
          thrown.get() != null ? thrown.get().getClass().getSimpleName() : "a result");
      assertThat(t.isAlive()).as("%s still running", e.getKey()).isFalse();
      assertThat(after).as("%s: seconds from interrupt to end", e.getKey()).isLessThan(1.0);
      if (e.getKey().equals("ssd")) {
        continue; // two passes of per-example gradients: done before the interrupt
      }
      assertThat(runningAtInterrupt).as("%s must still run at 300 ms", e.getKey()).isTrue();
      assertThat(thrown.get()).as(e.getKey()).isInstanceOf(UnlearningInterruptedException.class);
      assertThat(flagAfter.get()).as("%s: interrupt status set again", e.getKey()).isTrue();
    }
  }

  @Test
  void anInterruptBeforeTheStartEndsEvenTheShortMethodsAtOnce() {
    Map<String, UnlearningRequest> runs = longRuns();
    for (String name : new String[] {"fisher-removal", "fisher-forgetting", "ssd"}) {
      Thread.currentThread().interrupt();
      try {
        Unlearners.forName(name).unlearn(runs.get(name));
        org.assertj.core.api.Assertions.fail(name + " ignored the interrupt");
      } catch (UnlearningInterruptedException expected) {
        assertThat(Thread.interrupted()).as("%s: interrupt status set again", name).isTrue();
      }
    }
  }

  @Test
  void aBudgetEndsALongConjugateGradientSolveOnTimeKeepingTheta() {
    UnlearningRequest r = longRuns().get("newton").toBuilder().budget(Duration.ofSeconds(1)).build();
    long start = System.nanoTime();
    UnlearningResult out = Unlearners.forName("newton").unlearn(r);
    double seconds = (System.nanoTime() - start) * 1e-9;
    System.out.printf("newton, cg to 1e-300, budget 1 s: %.2f s, %d HVPs%n", seconds,
        out.cost().hessianVectorProducts());
    assertThat(seconds).isBetween(1.0, 1.5);
    assertThat(out.termination()).isEqualTo(Termination.BUDGET_SPENT);
    assertThat(out.converged()).isFalse();
    assertThat(out.parameters()).isEqualTo(r.parameters()); // no partial Newton step
    assertThat(out.parameters()).isNotSameAs(r.parameters());
  }

  @Test
  void aStopInsideTheSecondNewtonStepKeepsTheFirstStep() {
    // the oracle: the same Newton run with one step
    UnlearningRequest.Builder base = request(LOGISTIC, LOGISTIC.initialParameters(5))
        .hyperparameter("tolerance", 1e-10).hyperparameter("max-iterations", 5000);
    UnlearningResult one = Unlearners.forName("newton").unlearn(base.hyperparameter("steps", 1)
        .build());
    java.util.concurrent.atomic.AtomicBoolean secondStep = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.List<String> phases = new java.util.ArrayList<>();
    UnlearningResult stopped = Unlearners.forName("newton").unlearn(base
        .hyperparameter("steps", 3).listener(p -> {
          phases.add(p.phase());
          if (p.phase().equals("newton-step")) {
            secondStep.set(true);
            return true;
          }
          return !(secondStep.get() && p.iteration() >= 5); // stop 5 products into step 2
        }).build());
    assertThat(phases).contains("curvature-products", "newton-step");
    assertThat(stopped.termination()).isEqualTo(Termination.STOPPED);
    assertThat(stopped.converged()).isFalse();
    assertThat(stopped.parameters()).isEqualTo(one.parameters());
  }
}

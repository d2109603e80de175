package dev.unlearn.core.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.testkit.Fixture;
import dev.unlearn.testkit.UnlearnerConformanceTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ScrubUnlearnerTest extends UnlearnerConformanceTest {
  @Override
  protected Unlearner unlearner() {
    return new ScrubUnlearner();
  }

  @Override
  protected Map<String, Object> fastHyperparameters() {
    return Map.of("epochs", 1, "max-epochs", 1);
  }

  @Test
  void raisesTheForgetLossWhileLoweringTheRetainLoss() {
    // On the MLP, with small batches so that the forget (max) phase takes several steps per epoch.
    // (At the start the student equals the teacher, where KL has zero gradient: the max phase
    // bites only once the min phase has moved the student, as in the SCRUB paper.)
    Fixture mlp = Fixture.mlp();
    Dataset forget = mlp.train().rows(mlp.forget());
    Dataset retain = mlp.train().without(mlp.forget());
    INDArray student = run(UnlearningRequest.builder(mlp.model(), mlp.theta(), mlp.train())
        .forgetRows(mlp.forget()).recipe(mlp.recipe()).seed(3)
        .hyperparameters(Map.of("epochs", 4, "max-epochs", 4, "learning-rate", 1e-2,
            "batch-size", 8)).build()).parameters();
    double f0 = Probe.meanCrossEntropy(mlp.model(), mlp.theta(), forget);
    double f1 = Probe.meanCrossEntropy(mlp.model(), student, forget);
    double r0 = Probe.meanCrossEntropy(mlp.model(), mlp.theta(), retain);
    double r1 = Probe.meanCrossEntropy(mlp.model(), student, retain);
    System.out.printf("scrub: CE forget %.4f -> %.4f, retain %.4f -> %.4f%n", f0, f1, r0, r1);
    assertThat(f1).isGreaterThan(f0);
    assertThat(r1).isLessThanOrEqualTo(r0);
  }
}

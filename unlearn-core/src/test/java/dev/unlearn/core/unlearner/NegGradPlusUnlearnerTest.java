package dev.unlearn.core.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Unlearner;
import dev.unlearn.testkit.UnlearnerConformanceTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class NegGradPlusUnlearnerTest extends UnlearnerConformanceTest {
  @Override
  protected Unlearner unlearner() {
    return new NegGradPlusUnlearner();
  }

  @Override
  protected Map<String, Object> fastHyperparameters() {
    return Map.of("epochs", 1);
  }

  @Test
  void raisesTheForgetLossWhileKeepingRetainAccuracy() {
    Dataset forget = fixture.train().rows(fixture.forget());
    Dataset retain = fixture.train().without(fixture.forget());
    INDArray after = run(request().hyperparameters(Map.of("epochs", 5, "alpha", 0.5,
        "learning-rate", 1e-2)).build()).parameters();
    double ceBefore = Probe.meanCrossEntropy(fixture.model(), fixture.theta(), forget);
    double ceAfter = Probe.meanCrossEntropy(fixture.model(), after, forget);
    double accBefore = Probe.accuracy(fixture.model(), fixture.theta(), retain);
    double accAfter = Probe.accuracy(fixture.model(), after, retain);
    System.out.printf("neggrad-plus: forget CE %.4f -> %.4f, retain acc %.4f -> %.4f%n", ceBefore,
        ceAfter, accBefore, accAfter);
    assertThat(ceAfter).isGreaterThan(ceBefore);
    assertThat(accAfter).isGreaterThan(accBefore - 0.1);
  }
}

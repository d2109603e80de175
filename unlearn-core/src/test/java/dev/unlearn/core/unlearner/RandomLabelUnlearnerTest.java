package dev.unlearn.core.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Unlearner;
import dev.unlearn.testkit.UnlearnerConformanceTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class RandomLabelUnlearnerTest extends UnlearnerConformanceTest {
  @Override
  protected Unlearner unlearner() {
    return new RandomLabelUnlearner();
  }

  @Override
  protected Map<String, Object> fastHyperparameters() {
    return Map.of("epochs", 1);
  }

  @Test
  void raisesTheForgetLoss() {
    Dataset forget = fixture.train().rows(fixture.forget());
    INDArray after = run(request().hyperparameters(Map.of("epochs", 10, "learning-rate", 1e-2))
        .build()).parameters();
    double before = Probe.meanCrossEntropy(fixture.model(), fixture.theta(), forget);
    double ce = Probe.meanCrossEntropy(fixture.model(), after, forget);
    System.out.printf("random-label: forget CE %.4f -> %.4f%n", before, ce);
    assertThat(ce).isGreaterThan(before);
  }
}

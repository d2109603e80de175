package dev.unlearn.core.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Unlearner;
import dev.unlearn.core.testing.UnlearnerConformanceTest;
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
  void divergesFromTheTeacherOnForgetMoreThanOnRetain() {
    Dataset forget = fixture.train().rows(fixture.forget());
    Dataset retain = fixture.train().without(fixture.forget());
    INDArray student = run(request().hyperparameters(Map.of("epochs", 4, "max-epochs", 4,
        "learning-rate", 1e-2)).build()).parameters();
    double klForget = Probe.meanKl(fixture.model(), fixture.theta(), student, forget);
    double klRetain = Probe.meanKl(fixture.model(), fixture.theta(), student, retain);
    System.out.printf("scrub: KL(teacher||student) forget %.4g, retain %.4g%n", klForget, klRetain);
    assertThat(klForget).isGreaterThan(2 * klRetain);
  }
}

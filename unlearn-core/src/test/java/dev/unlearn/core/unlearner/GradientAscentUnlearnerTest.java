package dev.unlearn.core.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.testkit.UnlearnerConformanceTest;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class GradientAscentUnlearnerTest extends UnlearnerConformanceTest {
  @Override
  protected Unlearner unlearner() {
    return new GradientAscentUnlearner();
  }

  @Test
  void raisesTheForgetLossAndCountsItsGradients() {
    Dataset forget = fixture.train().rows(fixture.forget());
    double before = Probe.meanCrossEntropy(fixture.model(), fixture.theta(), forget);
    UnlearningResult r = run(request().hyperparameters(Map.of("epochs", 2, "batch-size", 8))
        .build());
    double after = Probe.meanCrossEntropy(fixture.model(), r.parameters(), forget);
    System.out.printf("gradient-ascent: forget CE %.4f -> %.4f%n", before, after);
    assertThat(after).isGreaterThan(before);
    // 2 epochs over the forget rows, one gradient per row per epoch
    assertThat(r.cost().gradientEvaluations()).isCloseTo(
        2.0 * fixture.forget().length / fixture.train().size(), Offset.offset(1e-12));
    assertThat(r.cost().solverIterations()).isEqualTo(2L * ((fixture.forget().length + 7) / 8));
  }
}

package dev.unlearn.core.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Unlearner;
import dev.unlearn.testkit.UnlearnerConformanceTest;
import dev.unlearn.core.train.Trainer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class FinetuneUnlearnerTest extends UnlearnerConformanceTest {
  @Override
  protected Unlearner unlearner() {
    return new FinetuneUnlearner();
  }

  @Override
  protected Map<String, Object> fastHyperparameters() {
    return Map.of("epochs", 2);
  }

  @Test
  void movesTowardTheRetrainedModel() {
    INDArray retrained = Trainer.train(fixture.model(), fixture.train().without(fixture.forget()),
        fixture.recipe()).parameters();
    INDArray tuned = run(request().hyperparameters(Map.of("epochs", 30, "learning-rate", 3e-3,
        "optimizer", "sgd")).build()).parameters();
    double before = Probe.distance(fixture.theta(), retrained);
    double after = Probe.distance(tuned, retrained);
    System.out.printf("finetune: distance to retrained %.4g -> %.4g%n", before, after);
    assertThat(after).isLessThan(0.8 * before);
  }

  @Test
  void countsOneGradientPerRetainRowPerEpochPlusTheFinalCheck() {
    int n = fixture.train().size();
    int retain = n - fixture.forget().length;
    double ge = run(request().hyperparameter("epochs", 3).build()).cost().gradientEvaluations();
    assertThat(ge).isCloseTo((3.0 * retain + retain) / n, org.assertj.core.data.Offset.offset(1e-9));
  }
}

package com.example.halfway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.testkit.Tolerance;
import dev.unlearn.testkit.UnlearnerConformanceTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The conformance kit, plus the plugin's own oracle: retraining. */
class HalfwayUnlearnerTest extends UnlearnerConformanceTest {
  @Override
  protected Unlearner unlearner() {
    return new HalfwayUnlearner();
  }

  @Test
  void mixOneIsRetrainingAndMixZeroIsTheOriginal() {
    INDArray retrained = Trainer.train(fixture.model(),
        fixture.train().without(fixture.forget()), fixture.recipe()).parameters();
    UnlearningRequest one = request().hyperparameters(Map.of("mix", 1.0)).build();
    Tolerance.of(1e-12, 1e-9).assertClose(run(one).parameters(), retrained);
    UnlearningRequest zero = request().hyperparameters(Map.of("mix", 0.0)).build();
    Tolerance.of(0, 0).assertClose(run(zero).parameters(), fixture.theta());
  }

  @Test
  void theRegistryHoldsTheBuiltInsAndThisPluginOnly() {
    // The test kit registers no unlearner of its own.
    assertThat(Unlearners.registry().names()).containsExactlyInAnyOrder("halfway", "retrain",
        "finetune", "gradient-ascent", "neggrad-plus", "random-label", "erase-repair", "scrub");
    assertThat(Unlearners.registry().failures()).isEmpty();
  }
}

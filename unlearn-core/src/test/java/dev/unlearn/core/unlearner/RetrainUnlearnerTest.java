package dev.unlearn.core.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.testkit.Fixture;
import dev.unlearn.testkit.UnlearnerConformanceTest;
import dev.unlearn.core.train.Trainer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class RetrainUnlearnerTest extends UnlearnerConformanceTest {
  @Override
  protected Unlearner unlearner() {
    return new RetrainUnlearner();
  }

  @Test
  void equalsAFreshRetrainOnTheRetainSetBitForBit() {
    UnlearningResult r = run(request().build());
    INDArray fresh = Trainer.train(fixture.model(), fixture.train().without(fixture.forget()),
        fixture.recipe().withSeed(17)).parameters();
    assertThat(r.parameters().toDoubleVector()).containsExactly(fresh.toDoubleVector());
    assertThat(r.converged()).isTrue();
    // the oracle's own check: the retain gradient vanishes
    double g = fixture.model().gradient(r.parameters(), fixture.train().without(fixture.forget()))
        .norm2Number().doubleValue();
    assertThat(g).isLessThanOrEqualTo(1e-8);
    // cost: at least one gradient over the retain rows per L-BFGS iteration
    assertThat(r.cost().gradientEvaluations()).isGreaterThanOrEqualTo(
        r.diagnostics().get("iterations") * (fixture.train().size() - fixture.forget().length)
            / fixture.train().size());
  }

  @Test
  void minibatchRecipesAreReseededWithTheRequestSeed() {
    Fixture mlp = Fixture.mlp();
    var req = dev.unlearn.api.UnlearningRequest.builder(mlp.model(), mlp.theta(), mlp.train())
        .forgetRows(mlp.forget()).recipe(mlp.recipe());
    INDArray a = unlearner().unlearn(req.seed(1).build()).parameters();
    INDArray b = unlearner().unlearn(req.seed(2).build()).parameters();
    INDArray fresh = Trainer.train(mlp.model(), mlp.train().without(mlp.forget()),
        mlp.recipe().withSeed(1)).parameters();
    assertThat(a.toDoubleVector()).containsExactly(fresh.toDoubleVector());
    assertThat(Probe.distance(a, b)).isPositive();
  }
}

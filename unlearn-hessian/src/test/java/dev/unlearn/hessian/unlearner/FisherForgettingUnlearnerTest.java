package dev.unlearn.hessian.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.testkit.Fixture;
import dev.unlearn.testkit.Tolerance;
import dev.unlearn.testkit.UnlearnerConformanceTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FisherForgettingUnlearnerTest extends UnlearnerConformanceTest {
  @Override
  protected Unlearner unlearner() {
    return new FisherForgettingUnlearner();
  }

  @Override
  protected Fixture createFixture() {
    return Fixture.mlp();
  }

  @Override
  protected Map<String, Object> fastHyperparameters() {
    return Map.of("fisher-samples", 64);
  }

  @Test
  void withoutNoiseItIsFisherRemovalAndTheNoiseHasTheFisherShape() {
    Map<String, Object> hp = Map.of("fisher-samples", 64, "noise-variance", 0.0);
    INDArray quiet = run(request().hyperparameters(hp).build()).parameters();
    INDArray removal = new FisherRemovalUnlearner().unlearn(request()
        .hyperparameters(Map.of("fisher-samples", 64)).build()).parameters();
    Tolerance.forType(DataType.DOUBLE).assertClose(quiet, removal);
    // pure noise, diagonal variant: (theta' - theta) / (mu sigma^2)^(1/4) = d^(-1/4) n, so
    // multiplying by d^(1/4) recovers a standard normal vector (mean 0, variance 1)
    double var = 1e-4;
    for (String variant : new String[] {"diagonal", "lowrank"}) {
      UnlearningResult r = run(request().hyperparameters(Map.of("fisher-samples", 64,
          "noise-variance", var, "newton-term", false, "variant", variant)).build());
      INDArray noise = r.parameters().sub(fixture.theta()).divi(Math.pow(var, 0.25));
      INDArray whitened;
      if (variant.equals("diagonal")) {
        var model = fixture.model();
        var retain = fixture.train().without(fixture.forget());
        int[] rows = SecondOrder.subsample(retain.size(), 64, 17 ^ 0x5DEECE66DL);
        INDArray g = model.perExampleGradients(fixture.theta(), retain.rows(rows));
        INDArray q = FisherForgettingUnlearner.diagonalInverseQuarter(g, 1e-3);
        whitened = noise.div(q);
      } else {
        var model = fixture.model();
        var retain = fixture.train().without(fixture.forget());
        int[] rows = SecondOrder.subsample(retain.size(), 64, 17 ^ 0x5DEECE66DL);
        whitened = FisherPower.of(model.perExampleGradients(fixture.theta(), retain.rows(rows)),
            1e-3).apply(noise, 0.25);
      }
      double[] z = whitened.toDoubleVector();
      double mean = 0;
      double sq = 0;
      for (double v : z) {
        mean += v / z.length;
        sq += v * v / z.length;
      }
      System.out.printf("fisher-forgetting %s: whitened noise mean %.3f, variance %.3f (p=%d)%n",
          variant, mean, sq - mean * mean, z.length);
      assertThat(Math.abs(mean)).isLessThan(4 / Math.sqrt(z.length));
      assertThat(sq - mean * mean).isBetween(0.8, 1.2);
    }
  }
}

package dev.unlearn.hessian.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.testkit.Tolerance;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * float32 models at the default hyperparameters (before: {@code newton} threw after 1 000 CG
 * iterations on digits logistic regression and the MLP, {@code certified-removal} ran 100 000
 * iterations before failing). Oracle: the same unlearner on the float64 model from the same start.
 */
class Float32DefaultsTest {
  static double run(String name, Model model64, INDArray theta64, Dataset train, int[] forget,
      Map<String, Object> hp) {
    Model model32 = model64.withDataType(DataType.FLOAT);
    INDArray theta32 = theta64.castTo(DataType.FLOAT);
    UnlearningResult r32 = dev.unlearn.core.registry.Unlearners.forName(name).unlearn(
        UnlearningRequest.builder(model32, theta32, train).forgetRows(forget).hyperparameters(hp)
            .build());
    UnlearningResult r64 = dev.unlearn.core.registry.Unlearners.forName(name).unlearn(
        UnlearningRequest.builder(model64, theta64, train).forgetRows(forget).hyperparameters(hp)
            .build());
    assertThat(r32.parameters().dataType()).isEqualTo(DataType.FLOAT);
    double err = Tolerance.relativeError(r32.parameters(), r64.parameters());
    double moved = Tolerance.relativeError(theta64, r64.parameters());
    System.out.printf("%s on float32 %s: %s; vs float64 rel err %.2e (the step moved %.2e)%n",
        name, model64.name(), r32.cost(), err, moved);
    return err / moved;
  }

  @Test
  void newtonAndCertifiedRemovalRunAtTheirDefaultsInFloat32() {
    Dataset train = Digits.standardSplit().train();
    int[] forget = ForgetSets.randomFraction(train, 0.10, 42);
    Model logistic = LogisticRegression.of(64, 10).withL2(1e-3);
    INDArray thetaL = Trainer.train(logistic, train, TrainingRecipe.lbfgs(1e-6)).parameters();
    assertThat(run("newton", logistic, thetaL, train, forget, Map.of())).isLessThan(1e-2);
    assertThat(run("certified-removal", logistic, thetaL, train, forget, Map.of()))
        .isLessThan(1e-2);
    Model mlp = Mlp.of(Activation.TANH, 64, 32, 10).withL2(1e-3);
    INDArray thetaM = Trainer.train(mlp, train, TrainingRecipe.adam(5, 64, 1e-2, 1)).parameters();
    assertThat(run("newton", mlp, thetaM, train, forget, Map.of())).isLessThan(1e-2);
  }
}

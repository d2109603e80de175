package dev.unlearn.hessian.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.solve.Solvers;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The service on the digits MLP (64-128-10, tanh, p = 9 610), whose curvature is the Gauss-Newton
 * matrix of the remaining rows: every answer against the cold Gauss-Newton step computed
 * independently (plain CG on the model's own Gauss-Newton products over the remaining rows, with
 * their mean gradient, to 1e-12), and its distance to the model retrained on the remaining rows
 * (L-BFGS from the trained model, the minimum a Newton step aims at) against that cold step's.
 */
class DeletionServiceMlpTest {
  static final Model MLP = Mlp.of(Activation.TANH, 64, 128, 10).withL2(1e-3);

  static INDArray coldGaussNewton(Model model, INDArray theta0, Dataset remaining) {
    ModelPoint at = model.at(theta0, remaining);
    return theta0.sub(Solvers.cg(Operators.gaussNewton(at), at.gradient(), 1e-12, 100_000)
        .solution());
  }

  @Test
  void sequentialOnePercentRequestsGiveTheColdGaussNewtonStepOnWhatRemains() {
    Dataset train = Digits.standardSplit().train();
    // the scoreboard's recipe, then L-BFGS on to a minimum (a Newton step's premise)
    INDArray adam = Trainer.train(MLP, train, TrainingRecipe.adam(30, 64, 1e-3, 0)).parameters();
    INDArray theta0 = Trainer.builder(TrainingRecipe.lbfgs(1e-6)).start(adam).build()
        .train(MLP, train).parameters();
    System.out.printf("MLP trained: |grad| %.2e%n", MLP.at(theta0, train).gradient().norm2Number()
        .doubleValue());
    DeletionService service = DeletionService.prepare(MLP, theta0, train, 0, null);
    RequestStream stream = new RequestStream(train, 11);
    double worstRatio = 0;
    double worstGap = 0;
    int requests = 6;
    for (int j = 1; j <= requests; j++) {
      int[] rows = stream.next(14);
      DeletionService.Receipt r = service.delete("req-" + j, rows);
      Dataset remaining = stream.remaining();
      INDArray cold = coldGaussNewton(MLP, theta0, remaining);
      INDArray retrained = Trainer.builder(TrainingRecipe.lbfgs(1e-7)).start(theta0).build()
          .train(MLP, remaining).parameters();
      double gap = r.parameters().distance2(cold) / cold.distance2(theta0);
      double ratio = r.parameters().distance2(retrained) / cold.distance2(retrained);
      worstGap = Math.max(worstGap, gap);
      worstRatio = Math.max(worstRatio, ratio);
      System.out.printf("MLP request %d: %d rows left, CG %d iterations, residual %.1e; distance "
          + "to retrained %.3e (cold Gauss-Newton %.3e, ratio %.6f; theta0 %.3e), gap %.1e%n", j,
          r.remaining(), r.iterations(), r.relativeResidual(), r.parameters().distance2(retrained),
          cold.distance2(retrained), ratio, theta0.distance2(retrained), gap);
      assertThat(r.relativeResidual()).isLessThanOrEqualTo(DeletionService.GN_TOLERANCE);
    }
    System.out.printf("MLP, %d requests of 14 rows: worst distance ratio to the cold Gauss-Newton "
        + "step %.6f (target <= 1.01), worst relative gap %.1e%n", requests, worstRatio, worstGap);
    assertThat(worstGap).isLessThanOrEqualTo(1e-7);
    assertThat(worstRatio).isLessThanOrEqualTo(1.01);
  }
}

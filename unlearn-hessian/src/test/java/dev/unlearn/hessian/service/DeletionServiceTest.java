package dev.unlearn.hessian.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.solve.Solvers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The service against independent oracles: the cold Newton step from the trained model on the
 * remaining rows with the model's own exact Hessian-vector products (conjugate gradients to
 * 1e-13), the model retrained from scratch on the remaining rows (L-BFGS), and the journal's
 * verifier.
 */
class DeletionServiceTest {
  @TempDir Path dir;

  static final Model MODEL = LogisticRegression.of(64, 10).withL2(1e-3);

  /** The cold exact Newton step from θ0 on the remaining rows (the model's HVPs, CG to 1e-13). */
  static INDArray coldNewton(Model model, INDArray theta0, Dataset remaining) {
    ModelPoint at = model.at(theta0, remaining);
    INDArray step = Solvers.cg(Operators.hessian(at), at.gradient(), 1e-13, 100_000).solution();
    return theta0.sub(step);
  }


  @Test
  void twentySequentialOnePercentRequestsGiveTheExactNewtonStepOnWhatRemains() {
    Dataset train = Digits.standardSplit().train();
    TrainingRecipe recipe = TrainingRecipe.lbfgs(1e-10);
    INDArray theta0 = Trainer.train(MODEL, train, recipe).parameters();
    DeletionService service = DeletionService.prepare(MODEL, theta0, train, 0, null);
    RequestStream stream = new RequestStream(train, 11);
    double worstRatio = 0;
    double worstGap = 0;
    double worstResidual = 0;
    for (int j = 1; j <= 20; j++) {
      int[] rows = stream.next(14);
      DeletionService.Receipt r = service.delete("req-" + j, rows);
      Dataset remaining = stream.remaining();
      assertThat(r.remaining()).isEqualTo(remaining.size());
      INDArray cold = coldNewton(MODEL, theta0, remaining);
      INDArray retrained = Trainer.train(MODEL, remaining, recipe).parameters();
      double gap = r.parameters().distance2(cold) / cold.distance2(theta0);
      double ratio = r.parameters().distance2(retrained) / cold.distance2(retrained);
      worstGap = Math.max(worstGap, gap);
      worstRatio = Math.max(worstRatio, ratio);
      worstResidual = Math.max(worstResidual, r.relativeResidual());
      if (j == 1 || j == 10 || j == 20) {
        System.out.printf("request %2d: %d rows left, relative residual %.1e; "
            + "distance to retrained %.3e (cold Newton %.3e, ratio %.6f), gap to cold step %.1e%n",
            j, r.remaining(), r.relativeResidual(), r.parameters().distance2(retrained),
            cold.distance2(retrained), ratio, gap);
      }
    }
    System.out.printf("20 requests of 14 rows: worst distance ratio to the cold exact Newton step "
        + "%.6f (target <= 1.01), worst relative gap %.1e, worst residual %.1e%n", worstRatio,
        worstGap, worstResidual);
    assertThat(worstRatio).isLessThanOrEqualTo(1.01);
    assertThat(worstGap).isLessThanOrEqualTo(1e-8);
    assertThat(worstResidual).isLessThanOrEqualTo(1e-12);
  }

  @Test
  void aJournaledStreamVerifiesAgainstTheServedParameters() {
    Dataset train = Digits.standardSplit().train();
    INDArray theta0 = Trainer.train(MODEL, train, TrainingRecipe.lbfgs(1e-8)).parameters();
    INDArray copy = theta0.dup();
    Path file = dir.resolve("deletions.jsonl");
    DeletionService.Receipt last;
    try (DeletionJournal journal = DeletionJournal.open(file)) {
      DeletionService service = DeletionService.prepare(MODEL, theta0, train, 1e-4, journal);
      service.delete("a", 3, 1, 2);
      service.delete("b", 400);
      last = service.delete("c", 999, 5);
      assertThat(journal.idHash("rows", 400)).isNotBlank();
    }
    assertThat(theta0).as("the caller's theta is not modified").isEqualTo(copy);
    JournalVerification v = DeletionJournal.verify(file, last.parameters());
    assertThat(v.intact()).as(v.problems().toString()).isTrue();
    assertThat(v.entries()).isEqualTo(4);
    assertThat(last.verification().get("forget-loss-after"))
        .isGreaterThan(last.verification().get("forget-loss-before"));
    assertThat(DeletionJournal.verify(file, theta0).intact()).isFalse();
  }

  @Test
  void aRequestThatCannotBeJournaledLeavesTheServiceAsItWas() {
    Dataset train = Digits.standardSplit().train().rows(java.util.stream.IntStream.range(0, 60)
        .toArray());
    INDArray theta = Trainer.train(MODEL, train, TrainingRecipe.lbfgs(1e-8)).parameters();
    DeletionJournal journal = DeletionJournal.open(dir.resolve("closed.jsonl"));
    DeletionService s = DeletionService.prepare(MODEL, theta, train, 0, journal);
    INDArray first = s.delete("a", 1, 2).parameters();
    journal.close();
    assertThatThrownBy(() -> s.delete("b", 5)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is closed");
    assertThat(s.remaining()).isEqualTo(58);
    assertThat(s.deleted()).containsExactly(1, 2);
    assertThat(s.parameters()).isEqualTo(first);
    // the same request served without a journal: as if the failed attempt never happened
    DeletionService plain = DeletionService.prepare(MODEL, theta, train, 0, null);
    plain.delete("a", 1, 2);
    assertThat(plain.delete("b", 5).parameters().distance2(coldNewton(MODEL, theta,
        train.without(new int[] {1, 2, 5})))).isLessThan(1e-9);
  }

  @Test
  void badRequestsAreRefusedNamingTheValue() {
    Dataset train = Digits.standardSplit().train().rows(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
        10, 11, 12, 13, 14, 15, 16, 17, 18, 19});
    INDArray theta = MODEL.initialParameters(1);
    DeletionService s = DeletionService.prepare(MODEL, theta, train, 0, null);
    s.delete("a", 4);
    assertThatThrownBy(() -> s.delete("b", 4)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 4 was already deleted");
    assertThatThrownBy(() -> s.delete("b", 7, 7)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 7 is listed twice");
    assertThatThrownBy(() -> s.delete("b", 20)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 20 must be in [0, 20)");
    Model wide = LogisticRegression.of(600, 10).withL2(1e-3);
    assertThatThrownBy(() -> DeletionService.prepare(wide, wide.initialParameters(1), train, 0,
        null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("p (6010) must be <= 5000");
    Model mlp = Mlp.of(Activation.TANH, 64, 8, 10);
    assertThatThrownBy(() -> DeletionService.prepare(mlp, mlp.initialParameters(1), train, 0,
        null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("l2 + damping (0.0) must be > 0");
    assertThatThrownBy(() -> DeletionService.prepare(MODEL.withDataType(
        org.nd4j.linalg.api.buffer.DataType.FLOAT), theta, train, 0, null))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("must be DOUBLE");
    assertThatThrownBy(() -> DeletionService.prepare(LogisticRegression.of(64, 10), theta, train,
        0, null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("l2 + damping (0.0) must be > 0");
  }
}

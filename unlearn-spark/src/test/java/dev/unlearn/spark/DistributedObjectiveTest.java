package dev.unlearn.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.SyntheticData;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The distributed objective against the in-memory one (the oracle: the same model on the same
 * rows in one JVM), on digits (logistic regression and an MLP) and a synthetic set, for the whole
 * set, a retain set and an unordered sample: every quantity within 1e-12 (relative).
 */
class DistributedObjectiveTest {
  static final double TOL = 1e-12;

  static Stream<Arguments> problems() {
    Dataset digits = Digits.standardSplit().train();
    Dataset synthetic = SyntheticData.generate(2400, 20, 4, 3, 400).train();
    return Stream.of(
        Arguments.of("digits logistic", LogisticRegression.of(64, 10).withL2(1e-3), digits, 7),
        Arguments.of("digits mlp", Mlp.of(Activation.TANH, 64, 32, 10).withL2(1e-3), digits, 5),
        Arguments.of("synthetic mlp", Mlp.of(Activation.GELU, 20, 16, 12, 4).withL2(1e-4),
            synthetic, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void everyQuantityEqualsTheInMemoryOne(String name, Model model, Dataset train, int parts) {
    try (DistributedData data = DistributedData.of(SparkTests.context(), train, parts)) {
      DistributedModel dm = DistributedModel.of(model, data);
      Random random = new Random(17);
      int[] forget = random.ints(0, train.size()).distinct().limit(train.size() / 10).toArray();
      int[] sample = random.ints(0, train.size()).distinct().limit(40).toArray();
      INDArray theta = model.initialParameters(5).muli(3);
      Dataset index = data.index();
      check(name + ", all rows", model, dm, theta, train, index, false);
      check(name + ", retain set", model, dm, theta, train.without(forget), index.without(forget),
          false);
      check(name + ", sample", model, dm, theta, train.rows(sample), index.rows(sample), true);
    }
  }

  static void check(String what, Model model, DistributedModel dm, INDArray theta, Dataset rows,
      Dataset handles, boolean perExampleGradients) {
    ModelPoint mem = model.at(theta, rows);
    ModelPoint dist = dm.at(theta, handles);
    int p = model.numParameters();
    INDArray v = Nd4j.rand(DataType.DOUBLE, p).subi(0.5);
    INDArray block = Nd4j.rand(DataType.DOUBLE, p, 3).subi(0.5);
    INDArray u = Nd4j.rand(DataType.DOUBLE, rows.size(), model.numClasses()).subi(0.5);
    assertThat(Math.abs(dist.loss() - mem.loss()) / mem.loss()).as(what + " loss").isLessThan(TOL);
    assertThat(SparkTests.relative(dist.gradient(), mem.gradient())).as(what + " gradient")
        .isLessThan(TOL);
    assertThat(SparkTests.relative(dist.hessianVectorProduct(v), mem.hessianVectorProduct(v)))
        .as(what + " HVP").isLessThan(TOL);
    assertThat(SparkTests.relative(dist.hessianVectorProduct(block),
        mem.hessianVectorProduct(block))).as(what + " HVP, p x 3 block").isLessThan(TOL);
    assertThat(SparkTests.relative(dist.gaussNewtonVectorProduct(v),
        mem.gaussNewtonVectorProduct(v))).as(what + " GGN").isLessThan(TOL);
    assertThat(SparkTests.relative(dist.gaussNewtonVectorProduct(block),
        mem.gaussNewtonVectorProduct(block))).as(what + " GGN, p x 3 block").isLessThan(TOL);
    assertThat(SparkTests.relative(dist.perExampleLosses(), mem.perExampleLosses()))
        .as(what + " per-example losses").isLessThan(TOL);
    assertThat(SparkTests.relative(dist.logits(), mem.logits())).as(what + " logits")
        .isLessThan(TOL);
    assertThat(SparkTests.relative(dist.probabilities(), mem.probabilities()))
        .as(what + " probabilities").isLessThan(TOL);
    assertThat(SparkTests.relative(dist.backpropagate(u), mem.backpropagate(u)))
        .as(what + " backpropagate").isLessThan(TOL);
    assertThat(SparkTests.relative(dm.logits(theta, handles.features()),
        model.logits(theta, rows.features()))).as(what + " model logits").isLessThan(TOL);
    if (perExampleGradients) {
      assertThat(SparkTests.relative(dist.perExampleGradients(), mem.perExampleGradients()))
          .as(what + " per-example gradients").isLessThan(TOL);
    }
    System.out.printf("%s: gradient %.2e, HVP %.2e, GGN %.2e relative%n", what,
        SparkTests.relative(dist.gradient(), mem.gradient()),
        SparkTests.relative(dist.hessianVectorProduct(v), mem.hessianVectorProduct(v)),
        SparkTests.relative(dist.gaussNewtonVectorProduct(v), mem.gaussNewtonVectorProduct(v)));
  }

  @Test
  void syntheticRowsGeneratedOnTheExecutorsMatchTheirInMemoryCopy() {
    int n = 20_000;
    Dataset mem = SyntheticBlocks.inMemory(n, 50, 10, 6, 9);
    Model model = LogisticRegression.of(50, 10).withL2(1e-4);
    try (DistributedData data = SyntheticBlocks.distributed(SparkTests.context(), n, 50, 10, 6,
        9)) {
      assertThat(data.index().labels()).containsExactly(mem.labels());
      int[] counts = mem.classCounts();
      assertThat(java.util.Arrays.stream(counts).min().orElseThrow()).as("every class occurs")
          .isGreaterThan(n / 100);
      // another row seed: fresh rows of the same world, which a model trained here predicts
      Dataset fresh = SyntheticBlocks.inMemory(2_000, 50, 10, 1, 9, 10);
      assertThat(fresh.features().getDouble(0, 0)).isNotEqualTo(mem.features().getDouble(0, 0));
      INDArray fitted = dev.unlearn.core.train.Trainer.train(model, mem,
          dev.unlearn.api.TrainingRecipe.lbfgs(1e-6)).parameters();
      INDArray pred = model.logits(fitted, fresh.features()).argMax(1);
      int hit = 0;
      for (int i = 0; i < fresh.size(); i++) {
        hit += pred.getInt(i) == fresh.label(i) ? 1 : 0;
      }
      assertThat(hit / 2000.0).as("accuracy on fresh rows").isGreaterThan(0.5);
      DistributedModel dm = DistributedModel.of(model, data);
      INDArray theta = model.initialParameters(4);
      int[] forget = new Random(3).ints(0, n).distinct().limit(500).toArray();
      int[] sample = new Random(4).ints(0, n).distinct().limit(30).toArray();
      check("synthetic logistic (generated), all rows", model, dm, theta, mem, data.index(), false);
      check("synthetic logistic (generated), retain set", model, dm, theta, mem.without(forget),
          data.index().without(forget), false);
      check("synthetic logistic (generated), sample", model, dm, theta, mem.rows(sample),
          data.index().rows(sample), true);
    }
  }

  @Test
  void float32ModelsGiveTheInMemoryFloat32Results() {
    Dataset train = Digits.standardSplit().train();
    Model model = Mlp.of(Activation.TANH, 64, 16, 10).withL2(1e-3).withDataType(DataType.FLOAT);
    try (DistributedData data = DistributedData.of(SparkTests.context(), train, 3)) {
      DistributedModel dm = DistributedModel.of(model, data);
      INDArray theta = model.initialParameters(7);
      INDArray v = Nd4j.rand(DataType.FLOAT, model.numParameters()).subi(0.5);
      ModelPoint mem = model.at(theta, train);
      ModelPoint dist = dm.at(theta, data.index());
      assertThat(dist.gradient().dataType()).isEqualTo(DataType.FLOAT);
      // float32 sums in another order: agreement to float32 precision
      assertThat(SparkTests.relative(dist.gradient(), mem.gradient())).isLessThan(1e-5);
      assertThat(SparkTests.relative(dist.hessianVectorProduct(v), mem.hessianVectorProduct(v)))
          .isLessThan(1e-5);
      assertThat(Math.abs(dist.loss() - mem.loss()) / mem.loss()).isLessThan(1e-5);
    }
  }

  @Test
  void blocksMadeOnTheExecutorsAreCheckedAndBadHandlesAreRefused() {
    Dataset train = SyntheticData.generate(300, 4, 3, 1, 50).train();
    int n = train.size();
    double[] x = train.features().dup('c').data().asDouble();
    // two blocks made "elsewhere", given out of order
    RowBlock second = new RowBlock(100, 4, java.util.Arrays.copyOfRange(x, 400, n * 4),
        java.util.Arrays.copyOfRange(train.labels(), 100, n));
    RowBlock first = new RowBlock(0, 4, java.util.Arrays.copyOfRange(x, 0, 400),
        java.util.Arrays.copyOfRange(train.labels(), 0, 100));
    Model model = LogisticRegression.of(4, 3).withL2(1e-2);
    INDArray theta = model.initialParameters(2);
    try (DistributedData data = DistributedData.fromBlocks(SparkTests.context().parallelize(
        java.util.List.of(second, first), 2), 3)) {
      assertThat(data.size()).isEqualTo(n);
      DistributedModel dm = DistributedModel.of(model, data);
      assertThat(SparkTests.relative(dm.gradient(theta, data.index()), model.gradient(theta, train)))
          .isLessThan(TOL);
      assertThatThrownBy(() -> dm.at(theta, train)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("must be row handles");
      Dataset wrongLabels = Dataset.of(Nd4j.create(new double[][] {{0}, {1}}),
          new int[] {(train.label(0) + 1) % 3, train.label(1)}, 3);
      assertThatThrownBy(() -> dm.at(theta, wrongLabels)).isInstanceOf(
          InvalidInputException.class).hasMessageContaining("row handle 0 has label");
      Dataset outOfRange = Dataset.of(Nd4j.create(new double[][] {{n}}), new int[] {0}, 3);
      assertThatThrownBy(() -> dm.at(theta, outOfRange)).isInstanceOf(
          InvalidInputException.class).hasMessageContaining("must be in [0, " + n + ")");
    }
    RowBlock gap = new RowBlock(150, 4, new double[8], new int[2]);
    RowBlock start = new RowBlock(0, 4, new double[8], new int[2]);
    assertThatThrownBy(() -> DistributedData.fromBlocks(SparkTests.context().parallelize(
        java.util.List.of(start, gap), 2), 3)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("starts at row 150 where row 2 was expected");
    RowBlock overlap = new RowBlock(1, 4, new double[8], new int[2]);
    assertThatThrownBy(() -> DistributedData.fromBlocks(SparkTests.context().parallelize(
        java.util.List.of(start, overlap), 2), 3)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("starts at row 1 where row 2 was expected");
    RowBlock wide = new RowBlock(2, 5, new double[10], new int[2]);
    assertThatThrownBy(() -> DistributedData.fromBlocks(SparkTests.context().parallelize(
        java.util.List.of(start, wide), 2), 3)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("block at row 2 has width 5, not 4");
    double[] nan = new double[8];
    nan[5] = Double.NaN;
    assertThatThrownBy(() -> DistributedData.fromBlocks(SparkTests.context().parallelize(
        java.util.List.of(new RowBlock(0, 4, nan, new int[2])), 1), 3))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 1 has a feature that is not finite");
  }
}

package dev.unlearn.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.core.data.SyntheticData;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * BatchNormalization in inference mode, against independent oracles: DL4J's own inference output
 * ({@code output(x, false)}) for the logits, central differences of the loss for the gradient, and
 * the network's parameters and running statistics bit for bit after every call.
 */
class Dl4jBatchNormTest {
  static final long SEED = 91;

  static double rel(INDArray a, INDArray b) {
    return a.sub(b).norm2Number().doubleValue() / b.norm2Number().doubleValue();
  }

  /** Worst relative gap between the gradient and central differences of the loss, 4 directions. */
  static double gradientVsCentralDifferences(Model m, INDArray th, Dataset d) {
    INDArray g = m.gradient(th, d);
    double worst = 0;
    for (int t = 0; t < 4; t++) {
      INDArray v = Nd4j.rand(DataType.DOUBLE, m.numParameters()).subi(0.5);
      double h = 1e-5;
      double fd = (m.loss(th.add(v.mul(h)), d) - m.loss(th.sub(v.mul(h)), d)) / (2 * h);
      double dot = g.mul(v).sumNumber().doubleValue();
      worst = Math.max(worst, Math.abs(dot - fd) / Math.abs(fd));
    }
    return worst;
  }

  /** The model's probabilities against DL4J's inference output of the same network. */
  static double probabilitiesVsDl4j(Model m, INDArray th, INDArray dl4jOutput, INDArray x) {
    return rel(Transforms.softmax(m.logits(th, x), true), dl4jOutput);
  }

  @Test
  void anMlpWithBatchNormIsDl4jsInferenceFunctionWithoutTheRunningStatistics() {
    MultiLayerNetwork net = Networks.bnMlp(6, 5, 3, SEED, false);
    INDArray before = net.params().dup();
    INDArray mean = net.getLayer(1).getParam("mean").dup();
    assertThat(mean.norm2Number().doubleValue()).as("running mean moved by training")
        .isGreaterThan(0.1);
    Dl4jModel m = Dl4jModel.of(net);
    assertThat(m.numParameters()).isEqualTo(net.numParams() - 2 * 5);
    Dataset d = SyntheticData.generate(30, 6, 3, SEED).train();
    INDArray x = d.features(DataType.DOUBLE);
    INDArray th = m.parameters();
    double probs = probabilitiesVsDl4j(m, th, net.output(x, false), x);
    double fd = gradientVsCentralDifferences(m.withL2(1e-3), th, d);
    ModelPoint at = m.withL2(1e-3).at(th, d);
    double mean0 = rel(at.perExampleGradients().mean(0).addi(th.mul(1e-3)), at.gradient());
    System.out.printf("DL4J MLP with BatchNorm (p = %d): probabilities vs DL4J output(x, false) "
        + "%.2e; gradient vs FD(loss) %.2e; per-example mean + l2 theta vs gradient %.2e%n",
        m.numParameters(), probs, fd, mean0);
    assertThat(probs).isLessThanOrEqualTo(1e-12);
    assertThat(fd).isLessThanOrEqualTo(1e-6);
    assertThat(mean0).isLessThanOrEqualTo(1e-12);
    at.hessianVectorProduct(th.dup());
    at.gaussNewtonVectorProduct(th.dup());
    at.backpropagate(Nd4j.ones(DataType.DOUBLE, 30, 3));
    m.toMultiLayerNetwork(th.mul(2));
    assertThat(net.params()).as("parameters and running statistics untouched").isEqualTo(before);
  }

  @Test
  void aCnnWithBatchNormOverChannelsMatchesDl4jAndCentralDifferences() {
    MultiLayerNetwork net = Networks.bnCnn(3, 6, 4, SEED);
    INDArray before = net.params().dup();
    Dl4jModel m = Dl4jModel.of(net);
    assertThat(m.numParameters()).isEqualTo(net.numParams() - 2 * 3);
    Dataset d = SyntheticData.generate(20, 64, 4, SEED).train();
    INDArray x = d.features(DataType.DOUBLE);
    INDArray th = m.parameters();
    double probs = probabilitiesVsDl4j(m, th, net.output(x, false), x);
    double fd = gradientVsCentralDifferences(m, th, d);
    System.out.printf("DL4J CNN with BatchNorm (p = %d): probabilities vs DL4J %.2e; gradient vs "
        + "FD(loss) %.2e%n", m.numParameters(), probs, fd);
    assertThat(probs).isLessThanOrEqualTo(1e-12);
    assertThat(fd).isLessThanOrEqualTo(1e-6);
    assertThat(net.params()).isEqualTo(before);
  }

  @Test
  void lockedGammaAndBetaAreConstantsNotParameters() {
    MultiLayerNetwork net = Networks.bnMlp(6, 5, 3, SEED, true);
    Dl4jModel m = Dl4jModel.of(net);
    assertThat(m.numParameters()).isEqualTo(net.numParams() - 2 * 5);
    assertThat(net.getLayer(1).paramTable()).doesNotContainKeys("gamma", "beta");
    Dataset d = SyntheticData.generate(30, 6, 3, SEED).train();
    INDArray x = d.features(DataType.DOUBLE);
    INDArray th = m.parameters();
    double probs = probabilitiesVsDl4j(m, th, net.output(x, false), x);
    double fd = gradientVsCentralDifferences(m, th, d);
    System.out.printf("locked gamma/beta: probabilities vs DL4J %.2e; gradient vs FD %.2e%n",
        probs, fd);
    assertThat(probs).isLessThanOrEqualTo(1e-12);
    assertThat(fd).isLessThanOrEqualTo(1e-6);
  }

  @Test
  void aGraphWithBatchNormMatchesDl4jAndTheEquivalentNetwork() {
    ComputationGraph g = Networks.bnGraph(6, 5, 3, SEED);
    INDArray before = g.params().dup();
    Dl4jModel m = Dl4jModel.of(g);
    Dataset d = SyntheticData.generate(30, 6, 3, SEED).train();
    INDArray x = d.features(DataType.DOUBLE);
    INDArray th = m.parameters();
    double probs = probabilitiesVsDl4j(m, th, g.outputSingle(false, x), x);
    double fd = gradientVsCentralDifferences(m, th, d);
    System.out.printf("DL4J graph with BatchNorm: probabilities vs DL4J %.2e; gradient vs FD "
        + "%.2e%n", probs, fd);
    assertThat(probs).isLessThanOrEqualTo(1e-12);
    assertThat(fd).isLessThanOrEqualTo(1e-6);
    INDArray moved = th.add(Nd4j.rand(DataType.DOUBLE, th.length()).subi(0.5).muli(0.3));
    ComputationGraph back = m.toComputationGraph(moved);
    assertThat(rel(back.outputSingle(false, x), Transforms.softmax(m.logits(moved, x), true)))
        .isLessThanOrEqualTo(1e-12);
    assertThat(g.params()).isEqualTo(before);
    assertThatThrownBy(() -> m.toMultiLayerNetwork(th)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("use toComputationGraph");
  }

  @Test
  void toMultiLayerNetworkGivesTheNetworkOfThetaWithTheSameRunningStatistics() {
    MultiLayerNetwork net = Networks.bnMlp(6, 5, 3, SEED, false);
    Dl4jModel m = Dl4jModel.of(net);
    Dataset d = SyntheticData.generate(30, 6, 3, SEED).train();
    INDArray x = d.features(DataType.DOUBLE);
    INDArray moved = m.parameters().add(Nd4j.rand(DataType.DOUBLE, m.numParameters())
        .subi(0.5).muli(0.3));
    MultiLayerNetwork back = m.toMultiLayerNetwork(moved);
    assertThat(back).isNotSameAs(net);
    assertThat(back.getLayer(1).getParam("mean")).isEqualTo(net.getLayer(1).getParam("mean"));
    assertThat(Dl4jModel.of(back).parameters()).isEqualTo(moved);
    assertThat(rel(back.output(x, false), Transforms.softmax(m.logits(moved, x), true)))
        .isLessThanOrEqualTo(1e-12);
    assertThat(back.getLayerWiseConfigurations().toJson())
        .isEqualTo(net.getLayerWiseConfigurations().toJson());
    assertThatThrownBy(() -> m.toMultiLayerNetwork(Nd4j.zeros(DataType.DOUBLE, 3)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("theta length (3) must be the number of parameters");
  }

  @Test
  void l2WithBatchNormCannotBeMappedAndIsStatedExplicitlyInstead() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1)
        .dataType(DataType.DOUBLE).l2(1e-3).l2Bias(1e-3).list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(5).build())
        .layer(new BatchNormalization.Builder().name("bn").nOut(5).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
            .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    assertThatThrownBy(() -> Dl4jModel.of(net)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("layer 1 (BatchNormalization \"bn\"): DL4J does not apply the "
            + "network's L2 (0.001) to gamma and beta")
        .hasMessageContaining("Dl4jModel.of(network, l2)");
    Dl4jModel explicit = Dl4jModel.of(net, 1e-3);
    Dl4jModel none = Dl4jModel.of(net, 0);
    Dataset d = SyntheticData.generate(20, 4, 3, 3).train();
    INDArray th = explicit.parameters();
    double penalty = explicit.loss(th, d) - none.loss(th, d);
    double expected = 0.5e-3 * th.norm2Number().doubleValue() * th.norm2Number().doubleValue();
    assertThat(explicit.l2()).isEqualTo(1e-3);
    assertThat(Math.abs(penalty - expected) / expected).isLessThan(1e-10);
  }
}

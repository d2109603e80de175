package dev.unlearn.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Capability;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.core.data.SyntheticData;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.Mlp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The adapter against independent oracles: the library's own {@link Mlp} given the same weights
 * (exact logits, loss, gradient, per-example gradients; exact R-operator HVP and Gauss-Newton
 * products for the adapter's finite-difference ones), central differences of the loss on a CNN, and
 * the network's parameters bit for bit after every call.
 */
class Dl4jModelTest {
  static final long SEED = 77;

  static double rel(INDArray a, INDArray b) {
    return a.sub(b).norm2Number().doubleValue() / b.norm2Number().doubleValue();
  }

  /** The library Mlp's θ (row-major W, b per layer) in DL4J's order (column-major W, b). */
  static INDArray toDl4j(double[] lib, int... sizes) {
    double[] out = new double[lib.length];
    int off = 0;
    for (int l = 0; l + 1 < sizes.length; l++) {
      int in = sizes[l];
      int o = sizes[l + 1];
      for (int i = 0; i < in; i++) {
        for (int j = 0; j < o; j++) {
          out[off + i + j * in] = lib[off + i * o + j];
        }
      }
      off += in * o;
      System.arraycopy(lib, off, out, off, o);
      off += o;
    }
    return Nd4j.createFromArray(out);
  }

  static INDArray toDl4j(INDArray lib, int... sizes) {
    if (lib.rank() == 1) {
      return toDl4j(lib.toDoubleVector(), sizes);
    }
    INDArray out = lib.dup();
    for (int r = 0; r < lib.rows(); r++) {
      out.getRow(r).assign(toDl4j(lib.getRow(r).toDoubleVector(), sizes));
    }
    return out;
  }

  @Test
  void aDl4jMlpWithTheMlpsWeightsHasTheSameObjectiveAndDerivatives() {
    int[] sizes = {6, 7, 3};
    Mlp mlp = Mlp.of(Activation.TANH, sizes).withL2(1e-2);
    Model dl4j = Dl4jModel.of(Networks.mlp(6, 7, 3, SEED)).withL2(1e-2);
    assertThat(dl4j.numParameters()).isEqualTo(mlp.numParameters());
    Dataset d = SyntheticData.generate(40, 6, 3, SEED).train();
    INDArray lib = mlp.initialParameters(SEED).muli(2);
    INDArray th = toDl4j(lib, sizes);
    ModelPoint a = mlp.at(lib, d);
    ModelPoint b = dl4j.at(th, d);
    double logits = rel(b.logits(), a.logits());
    double loss = Math.abs(b.loss() - a.loss()) / a.loss();
    double grad = rel(b.gradient(), toDl4j(a.gradient(), sizes));
    double perEx = rel(b.perExampleGradients(), toDl4j(a.perExampleGradients(), sizes));
    double losses = rel(b.perExampleLosses(), a.perExampleLosses());
    INDArray v = Nd4j.rand(DataType.DOUBLE, mlp.numParameters()).subi(0.5);
    double hvp = rel(b.hessianVectorProduct(toDl4j(v, sizes)),
        toDl4j(a.hessianVectorProduct(v), sizes));
    double ggn = rel(b.gaussNewtonVectorProduct(toDl4j(v, sizes)),
        toDl4j(a.gaussNewtonVectorProduct(v), sizes));
    INDArray u = Nd4j.rand(DataType.DOUBLE, 40, 3).subi(0.5);
    double vjp = rel(b.backpropagate(u), toDl4j(a.backpropagate(u), sizes));
    System.out.printf("DL4J MLP vs Mlp (relative): logits %.2e, loss %.2e, gradient %.2e, "
        + "per-example gradients %.2e, per-example losses %.2e, VJP %.2e, FD HVP %.2e, "
        + "FD GGN %.2e%n", logits, loss, grad, perEx, losses, vjp, hvp, ggn);
    assertThat(logits).isLessThanOrEqualTo(1e-12);
    assertThat(loss).isLessThanOrEqualTo(1e-12);
    assertThat(grad).isLessThanOrEqualTo(1e-12);
    assertThat(perEx).isLessThanOrEqualTo(1e-12);
    assertThat(losses).isLessThanOrEqualTo(1e-12);
    assertThat(vjp).isLessThanOrEqualTo(1e-12);
    assertThat(hvp).isLessThanOrEqualTo(1e-6);
    assertThat(ggn).isLessThanOrEqualTo(1e-6);
    assertThat(dl4j.hasExactHessian()).isFalse();
    assertThat(dl4j.capabilities()).contains(Capability.BACKPROPAGATE, Capability.GAUSS_NEWTON,
        Capability.PER_EXAMPLE_GRADIENTS, Capability.HESSIAN_VECTOR_PRODUCT, Capability.FLOAT64)
        .doesNotContain(Capability.EXACT_HESSIAN, Capability.FLOAT32);
  }

  @Test
  void cnnGradientMatchesCentralDifferencesAndPerExampleGradientsAverageToIt() {
    MultiLayerNetwork net = Networks.cnn(3, 8, 4, SEED);
    Model m = Dl4jModel.of(net).withL2(1e-3);
    assertThat(m.numInputs()).isEqualTo(64);
    Dataset d = SyntheticData.generate(24, 64, 4, SEED).train();
    INDArray th = net.params().dup().reshape(m.numParameters());
    ModelPoint at = m.at(th, d);
    INDArray g = at.gradient();
    // central differences of the loss along 3 random directions
    double worst = 0;
    for (int t = 0; t < 3; t++) {
      INDArray v = Nd4j.rand(DataType.DOUBLE, m.numParameters()).subi(0.5);
      double h = 1e-5;
      double fd = (m.loss(th.add(v.mul(h)), d) - m.loss(th.sub(v.mul(h)), d)) / (2 * h);
      double dot = g.mul(v).sumNumber().doubleValue();
      worst = Math.max(worst, Math.abs(dot - fd) / Math.abs(fd));
    }
    INDArray pe = at.perExampleGradients();
    double mean = rel(pe.mean(0).addi(th.mul(1e-3)), g);
    System.out.printf("DL4J CNN (p = %d): gradient vs FD(loss) %.2e; per-example mean + l2 theta "
        + "vs gradient %.2e%n", m.numParameters(), worst, mean);
    assertThat(worst).isLessThanOrEqualTo(1e-6);
    assertThat(mean).isLessThanOrEqualTo(1e-12);
  }

  @Test
  void theUsersNetworkIsNeverModified() {
    MultiLayerNetwork net = Networks.cnn(2, 6, 3, SEED);
    INDArray before = net.params().dup();
    String confBefore = net.getLayerWiseConfigurations().toJson();
    Model m = Dl4jModel.of(net).withL2(0.1);
    Dataset d = SyntheticData.generate(10, 64, 3, SEED).train();
    INDArray th = Nd4j.rand(DataType.DOUBLE, m.numParameters());
    INDArray thBefore = th.dup();
    ModelPoint at = m.at(th, d);
    at.gradient();
    at.perExampleGradients();
    at.hessianVectorProduct(th.dup());
    at.gaussNewtonVectorProduct(th.dup());
    at.backpropagate(Nd4j.ones(DataType.DOUBLE, 10, 3));
    m.initialParameters(5);
    assertThat(net.params()).isEqualTo(before);
    assertThat(net.getLayerWiseConfigurations().toJson()).isEqualTo(confBefore);
    assertThat(th).isEqualTo(thBefore);
    assertThat(m.initialParameters(5)).isEqualTo(m.initialParameters(5));
    assertThat(m.initialParameters(5)).isNotEqualTo(m.initialParameters(6));
  }

  @Test
  void severalThreadsGetTheSameGradientsAsOne() throws Exception {
    Model m = Dl4jModel.of(Networks.cnn(2, 6, 3, SEED));
    Dataset d = SyntheticData.generate(16, 64, 3, SEED).train();
    List<INDArray> thetas = new ArrayList<>();
    List<INDArray> alone = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      thetas.add(m.initialParameters(i));
      alone.add(m.gradient(thetas.get(i), d));
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<INDArray>> f = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        for (INDArray t : thetas) {
          f.add(pool.submit(() -> m.gradient(t, d)));
        }
      }
      for (int i = 0; i < f.size(); i++) {
        assertThat(f.get(i).get()).isEqualTo(alone.get(i % thetas.size()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static MultiLayerNetwork regularised(NeuralNetConfiguration.Builder b) {
    MultiLayerConfiguration conf = b.seed(1).dataType(DataType.DOUBLE).updater(new Sgd(0.1))
        .list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(5)
            .activation(org.nd4j.linalg.activations.Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
            .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  @Test
  void theNetworksL2MapsOntoLambdaOrIsRejectedWithTheLayer() {
    assertThat(Dl4jModel.of(regularised(new NeuralNetConfiguration.Builder())).l2()).isZero();
    Model mapped = Dl4jModel.of(regularised(new NeuralNetConfiguration.Builder().l2(1e-3)
        .l2Bias(1e-3)));
    assertThat(mapped.l2()).isEqualTo(1e-3);
    // A layer without a bias has nothing to compare its weights' L2 with.
    MultiLayerConfiguration noBias = new NeuralNetConfiguration.Builder().seed(1)
        .dataType(DataType.DOUBLE).l2(1e-3).l2Bias(1e-3).list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(5).hasBias(false).l2Bias(0).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
            .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork nb = new MultiLayerNetwork(noBias);
    nb.init();
    assertThat(Dl4jModel.of(nb).l2()).isEqualTo(1e-3);
    // DL4J's own score of the regularised network equals ours (its score: mean data loss + l2/2
    // |theta|^2); an independent check that the mapping is the same objective.
    MultiLayerNetwork net = regularised(new NeuralNetConfiguration.Builder().l2(1e-3).l2Bias(1e-3));
    Dataset d = SyntheticData.generate(20, 4, 3, 3).train();
    net.setInput(d.features(DataType.DOUBLE));
    net.setLabels(d.oneHotLabels(DataType.DOUBLE));
    net.computeGradientAndScore();
    double ours = Dl4jModel.of(net).loss(net.params().dup().reshape(net.numParams()), d);
    System.out.printf("DL4J score %.15f, ours %.15f%n", net.score(), ours);
    assertThat(Math.abs(net.score() - ours) / ours).isLessThan(1e-9);

    assertThatThrownBy(() -> Dl4jModel.of(regularised(new NeuralNetConfiguration.Builder()
        .l2(1e-3)))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("layer 0 (DenseLayer \"layer0\") has L2 0.001 on weights and 0.0 on "
            + "biases");
    assertThatThrownBy(() -> Dl4jModel.of(regularised(new NeuralNetConfiguration.Builder()
        .weightDecay(1e-3)))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("only L2 (DL4J's .l2) maps onto");
    assertThatThrownBy(() -> Dl4jModel.of(regularised(new NeuralNetConfiguration.Builder()
        .l1(1e-3)))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("layer 0 (DenseLayer \"layer0\") regularises its weights");
  }

  @Test
  void unsupportedLayersFailFastNamingTheLayer() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1)
        .dataType(DataType.DOUBLE).list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(5).build())
        .layer(new EmbeddingLayer.Builder().name("emb").nIn(5).nOut(5).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
            .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork emb = new MultiLayerNetwork(conf);
    emb.init();
    assertThatThrownBy(() -> Dl4jModel.of(emb)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("layer 1 (EmbeddingLayer \"emb\") is not supported");
    MultiLayerConfiguration mse = new NeuralNetConfiguration.Builder().seed(1)
        .dataType(DataType.DOUBLE).list()
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(3)
            .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
        .build();
    MultiLayerNetwork reg = new MultiLayerNetwork(mse);
    reg.init();
    assertThatThrownBy(() -> Dl4jModel.of(reg)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("output layer 0 activation");
    MultiLayerConfiguration weighted = new NeuralNetConfiguration.Builder().seed(1)
        .dataType(DataType.DOUBLE).list()
        .layer(new OutputLayer.Builder().lossFunction(new org.nd4j.linalg.lossfunctions.impl
            .LossMCXENT(Nd4j.createFromArray(1.0, 2.0, 1.0))).nIn(4).nOut(3)
            .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork w = new MultiLayerNetwork(weighted);
    w.init();
    assertThatThrownBy(() -> Dl4jModel.of(w)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("class weights");
    MultiLayerConfiguration image = new NeuralNetConfiguration.Builder().seed(1)
        .dataType(DataType.DOUBLE).list()
        .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(2)
            .build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
            .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
        .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(8, 8, 1)).build();
    MultiLayerNetwork img = new MultiLayerNetwork(image);
    img.init();
    assertThatThrownBy(() -> Dl4jModel.of(img)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("must be flat rows");
  }
}

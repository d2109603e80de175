package dev.unlearn.dl4j;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Networks built the way DL4J users build them (NeuralNetConfiguration builders). */
final class Networks {
  private Networks() {}

  /** Dense tanh d -> h, softmax output k, float64. */
  static MultiLayerNetwork mlp(int d, int h, int k, long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(seed).dataType(DataType.DOUBLE).updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER)
        .list()
        .layer(new DenseLayer.Builder().nIn(d).nOut(h).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(h).nOut(k)
            .activation(Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * A small CNN on 8 x 8 single-channel images (rows of 64): convolution 3 x 3 (c channels, tanh),
   * max pooling 2 x 2, dense h (tanh), softmax k.
   */
  static MultiLayerNetwork cnn(int channels, int hidden, int k, long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(seed).dataType(DataType.DOUBLE).updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(channels).activation(Activation.TANH)
            .build())
        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
            .build())
        .layer(new DenseLayer.Builder().nOut(hidden).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(k)
            .activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutionalFlat(8, 8, 1))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** The dense tanh MLP of {@link #mlp} as a ComputationGraph (vertices "hidden", "out"). */
  static org.deeplearning4j.nn.graph.ComputationGraph graphMlp(int d, int h, int k, long seed) {
    org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf =
        new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE)
            .updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER).graphBuilder()
            .addInputs("x")
            .addLayer("hidden", new DenseLayer.Builder().nIn(d).nOut(h)
                .activation(Activation.TANH).build(), "x")
            .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(h)
                .nOut(k).activation(Activation.SOFTMAX).build(), "hidden")
            .setOutputs("out").build();
    org.deeplearning4j.nn.graph.ComputationGraph g =
        new org.deeplearning4j.nn.graph.ComputationGraph(conf);
    g.init();
    return g;
  }

  /**
   * A branching graph: two dense branches of the input (tanh and sigmoid) merged, then a softmax
   * output.
   */
  static org.deeplearning4j.nn.graph.ComputationGraph graphBranches(int d, int h, int k,
      long seed) {
    org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf =
        new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE)
            .updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER).graphBuilder()
            .addInputs("x")
            .addLayer("a", new DenseLayer.Builder().nIn(d).nOut(h).activation(Activation.TANH)
                .build(), "x")
            .addLayer("b", new DenseLayer.Builder().nIn(d).nOut(h)
                .activation(Activation.SIGMOID).build(), "x")
            .addVertex("merge", new org.deeplearning4j.nn.conf.graph.MergeVertex(), "a", "b")
            .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(2 * h).nOut(k).activation(Activation.SOFTMAX).build(), "merge")
            .setOutputs("out").build();
    org.deeplearning4j.nn.graph.ComputationGraph g =
        new org.deeplearning4j.nn.graph.ComputationGraph(conf);
    g.init();
    return g;
  }

  /**
   * Dense d -> h (identity), BatchNormalization, tanh, softmax k; trained for a few DL4J {@code fit}
   * steps on random rows so that the running statistics, gamma and beta are far from their initial
   * values. {@code lockGammaBeta} fixes gamma = 1.5 and beta = -0.25 (no parameters).
   */
  static MultiLayerNetwork bnMlp(int d, int h, int k, long seed, boolean lockGammaBeta) {
    BatchNormalization.Builder bn = new BatchNormalization.Builder().name("bn");
    if (lockGammaBeta) {
      bn.lockGammaBeta(true).gamma(1.5).beta(-0.25);
    }
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(seed).dataType(DataType.DOUBLE).updater(new Adam(5e-2)).weightInit(WeightInit.XAVIER)
        .list()
        .layer(new DenseLayer.Builder().nIn(d).nOut(h).activation(Activation.IDENTITY).build())
        .layer(bn.build())
        .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(h).nOut(k)
            .activation(Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    fit(net, d, k, seed);
    return net;
  }

  /**
   * Convolution 3 x 3 (c channels, identity), BatchNormalization over channels, tanh, max pooling
   * 2 x 2, dense h (tanh), softmax k on 8 x 8 images; trained a few steps.
   */
  static MultiLayerNetwork bnCnn(int channels, int hidden, int k, long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(seed).dataType(DataType.DOUBLE).updater(new Adam(5e-2)).weightInit(WeightInit.XAVIER)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(channels).activation(Activation.IDENTITY)
            .build())
        .layer(new BatchNormalization.Builder().build())
        .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
            .build())
        .layer(new DenseLayer.Builder().nOut(hidden).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(k)
            .activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutionalFlat(8, 8, 1))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    fit(net, 64, k, seed);
    return net;
  }

  /** A graph: dense d -> h, BatchNormalization, tanh, softmax k; trained a few steps. */
  static org.deeplearning4j.nn.graph.ComputationGraph bnGraph(int d, int h, int k, long seed) {
    org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf =
        new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE)
            .updater(new Adam(5e-2)).weightInit(WeightInit.XAVIER).graphBuilder()
            .addInputs("x")
            .addLayer("dense", new DenseLayer.Builder().nIn(d).nOut(h)
                .activation(Activation.IDENTITY).build(), "x")
            .addLayer("bn", new BatchNormalization.Builder().nOut(h).build(), "dense")
            .addLayer("act", new ActivationLayer.Builder().activation(Activation.TANH).build(),
                "bn")
            .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(h)
                .nOut(k).activation(Activation.SOFTMAX).build(), "act")
            .setOutputs("out").build();
    org.deeplearning4j.nn.graph.ComputationGraph g =
        new org.deeplearning4j.nn.graph.ComputationGraph(conf);
    g.init();
    for (int step = 0; step < 10; step++) {
      g.fit(batch(d, k, seed + step));
    }
    return g;
  }

  private static void fit(MultiLayerNetwork net, int d, int k, long seed) {
    for (int step = 0; step < 10; step++) {
      net.fit(batch(d, k, seed + step));
    }
  }

  /** 32 random rows (mean 2, scale 3, so the statistics move) with random labels. */
  private static org.nd4j.linalg.dataset.DataSet batch(int d, int k, long seed) {
    java.util.Random r = new java.util.Random(seed);
    double[][] rows = new double[32][d];
    for (double[] row : rows) {
      for (int j = 0; j < d; j++) {
        row[j] = 2 + 3 * r.nextDouble();
      }
    }
    INDArray x = org.nd4j.linalg.factory.Nd4j.createFromArray(rows);
    INDArray y = org.nd4j.linalg.factory.Nd4j.zeros(DataType.DOUBLE, 32, k);
    for (int i = 0; i < 32; i++) {
      y.putScalar(i, (int) ((seed * 31 + i * 7) % k), 1.0);
    }
    return new org.nd4j.linalg.dataset.DataSet(x, y);
  }
}

package dev.unlearn.dl4j;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
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
}

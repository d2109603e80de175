package dev.unlearn.cli;

import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.dl4j.Dl4jModel;
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

/**
 * The scoreboard's {@code dl4j-cnn} model: a small Deeplearning4j CNN on the 8 &times; 8 digits,
 * built the way DL4J users build one, and unlearned through {@link Dl4jModel}. Convolution 3
 * &times; 3 with 8 channels (tanh), max pooling 2 &times; 2, dense 32 (tanh), softmax; float64;
 * p = 2 746 for 10 classes. The library's trainer trains it (the same recipe for the original, the
 * retrained models and {@code retrain}), so every run optimises the same objective.
 */
final class DigitsCnn {
  static final int PIXELS = 64;
  static final int CHANNELS = 8;
  static final int HIDDEN = 32;
  static final double L2 = 1e-3;
  static final TrainingRecipe RECIPE = TrainingRecipe.adam(20, 64, 3e-3, 0);
  static final String DESCRIPTION = "DL4J CNN conv3x3x8-maxpool2-dense32-softmax on 8x8 "
      + "(Adam, 20 epochs, batch 64, lr 3e-3)";

  private DigitsCnn() {}

  /** The network (initialised with DL4J's Xavier initialisation for this seed). */
  static MultiLayerNetwork network(int classes, long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(seed).dataType(DataType.DOUBLE).updater(new Adam(3e-3))
        .weightInit(WeightInit.XAVIER).l2(L2).l2Bias(L2)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(CHANNELS).activation(Activation.TANH)
            .build())
        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
            .build())
        .layer(new DenseLayer.Builder().nOut(HIDDEN).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
            .activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutionalFlat(8, 8, 1))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** The unlearn model of that network (&lambda; = the network's L2, 1e-3). */
  static Model model(int classes) {
    return Dl4jModel.of(network(classes, 0));
  }
}

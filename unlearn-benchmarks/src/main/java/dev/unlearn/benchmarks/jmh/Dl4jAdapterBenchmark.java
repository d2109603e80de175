package dev.unlearn.benchmarks.jmh;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.dl4j.Dl4jModel;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of being a wrapper (unlearn-dl4j), on a batch of 256 digits rows and on the whole
 * digits training set (1 437 rows, what an unlearner's full-data gradient sees), float64, one thread:
 * the adapter's gradient against one DL4J {@code fit} step on the same batch (forward, backward
 * and an SGD update: the work a DL4J user already pays per step), for the scoreboard's digits CNN
 * (conv 3x3x8, max pool 2, dense 32, softmax; p = 2 746); and the adapter's gradient of a DL4J MLP
 * 64-128-10 tanh against the library's own {@link Mlp} gradient on the same problem. Targets: CNN
 * &le; 1.3 &times; the fit step; MLP &le; 3 &times; the native gradient.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.HEAP, Jvm.MAX_BYTES, Jvm.MAX_PHYSICAL})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class Dl4jAdapterBenchmark {
  /** Rows in the batch: 256, or 0 for the whole training set. */
  @Param({"256", "0"})
  int rows;

  Dataset batch;
  DataSet dl4jBatch;
  MultiLayerNetwork cnnNet;
  Model cnn;
  INDArray cnnTheta;
  Model mlpAdapter;
  INDArray mlpAdapterTheta;
  Model mlp;
  INDArray mlpTheta;

  static MultiLayerNetwork cnnNetwork() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(0)
        .dataType(DataType.DOUBLE).updater(new Sgd(1e-3)).weightInit(WeightInit.XAVIER).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(8)
            .activation(org.nd4j.linalg.activations.Activation.TANH).build())
        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new DenseLayer.Builder().nOut(32)
            .activation(org.nd4j.linalg.activations.Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
            .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
        .setInputType(InputType.convolutionalFlat(8, 8, 1)).build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  static MultiLayerNetwork mlpNetwork() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(0)
        .dataType(DataType.DOUBLE).updater(new Sgd(1e-3)).weightInit(WeightInit.XAVIER).list()
        .layer(new DenseLayer.Builder().nIn(64).nOut(128)
            .activation(org.nd4j.linalg.activations.Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(128).nOut(10)
            .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  @Setup
  public void setUp() {
    Dataset train = Digits.standardSplit().train();
    batch = rows == 0 ? train : train.rows(IntStream.range(0, rows).toArray());
    dl4jBatch = new DataSet(batch.features(DataType.DOUBLE), batch.oneHotLabels(DataType.DOUBLE));
    cnnNet = cnnNetwork();
    cnn = Dl4jModel.of(cnnNet);
    cnnTheta = cnnNet.params().dup().reshape(cnn.numParameters());
    MultiLayerNetwork m = mlpNetwork();
    mlpAdapter = Dl4jModel.of(m);
    mlpAdapterTheta = m.params().dup().reshape(mlpAdapter.numParameters());
    mlp = Mlp.of(Activation.TANH, 64, 128, 10);
    mlpTheta = mlp.initialParameters(0);
  }

  @Benchmark
  public INDArray cnnAdapterGradient() {
    return cnn.gradient(cnnTheta, batch);
  }

  @Benchmark
  public MultiLayerNetwork cnnDl4jFitStep() {
    cnnNet.fit(dl4jBatch);
    return cnnNet;
  }

  @Benchmark
  public INDArray mlpAdapterGradient() {
    return mlpAdapter.gradient(mlpAdapterTheta, batch);
  }

  @Benchmark
  public INDArray mlpNativeGradient() {
    return mlp.gradient(mlpTheta, batch);
  }
}

package dev.unlearn.dl4j;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.core.model.AbstractModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.schedule.FixedSchedule;

/**
 * A Deeplearning4j {@link MultiLayerNetwork} as an unlearn {@link dev.unlearn.api.Model}: &theta; is
 * the network's flattened parameters ({@code net.params()}, in DL4J's order), and the objective is
 * the library's: mean softmax cross-entropy plus (&lambda;/2)&Vert;&theta;&Vert;&sup2;.
 *
 * <pre>{@code
 * MultiLayerNetwork net = ...;               // built and trained the way DL4J users do
 * Model model = Dl4jModel.of(net);           // the network itself is never modified
 * INDArray theta = net.params().dup();
 * UnlearningResult r = Unlearners.forName("finetune").unlearn(
 *     UnlearningRequest.builder(model, theta, train).forgetRows(rows).build());
 * net.setParams(r.parameters());             // when you decide to keep the result
 * }</pre>
 *
 * <p><b>What is exact.</b> Logits, the gradient, per-example gradients and losses, and {@code
 * backpropagate} (the vector-Jacobian product through the logits) are exact, computed by DL4J's own
 * backpropagation with external errors. The Hessian-vector product is a central difference of exact
 * gradients and the Gauss-Newton product a finite-difference Jacobian-vector product of the logits
 * followed by the exact VJP (see {@link AbstractModel}): both approximate, so {@link
 * #hasExactHessian()} is false and {@code certified-removal} is not offered.
 *
 * <p><b>How the network is read.</b> The last layer must be an {@link OutputLayer} with softmax
 * activation and MCXENT (or negative log-likelihood) loss; the layers before it may be {@link
 * DenseLayer}, {@link ConvolutionLayer}, {@link SubsamplingLayer}, {@link GlobalPoolingLayer},
 * {@link ActivationLayer} and {@link DropoutLayer}, with DL4J's input pre-processors. Any other layer
 * (BatchNormalization, recurrent layers, ...) is rejected with its index and class: their training
 * forward pass is not a deterministic function of &theta;. Dropout and weight noise are switched off
 * in the private copy (derivatives need a deterministic forward pass). The DL4J loss's own
 * probability clipping, the updater and its division by the batch size play no part: the logits come
 * from DL4J's forward pass, and the loss, its gradient with respect to the logits and the 1/n are the
 * library's.
 *
 * <p><b>L2.</b> A network without regularisation gives &lambda; = 0. DL4J's {@code .l2(c)} (an
 * {@link L2Regularization}, score c/2 &Vert;w&Vert;&sup2;, gradient c w) maps to &lambda; = c when
 * every parameter-bearing layer has it on weights and biases alike ({@code .l2(c).l2Bias(c)}).
 * Anything else cannot be written as (&lambda;/2)&Vert;&theta;&Vert;&sup2; and is rejected naming the
 * layer: L1, weight decay (applied by the updater, not part of the objective), different
 * coefficients per layer, or weights-only L2. {@link #withL2} then sets another &lambda;.
 *
 * <p><b>Threads and the caller's network.</b> The network given to {@link #of} is read once
 * (configuration and parameters are copied); each thread that uses the model works on its own copy
 * of the network, so the model is safe from several threads as the {@code Model} contract says.
 */
public final class Dl4jModel extends AbstractModel {
  private static final LayerWorkspaceMgr NO_WS = LayerWorkspaceMgr.noWorkspaces();

  private final MultiLayerConfiguration full;
  private final MultiLayerConfiguration body;
  private final InputPreProcessor outputPreProcessor;
  private final int bodyParams;
  private final int outputInputs;
  private final transient ThreadLocal<MultiLayerNetwork> bodies;

  private Dl4jModel(String name, MultiLayerConfiguration full, MultiLayerConfiguration body,
      InputPreProcessor outputPreProcessor, int numParameters, int numInputs, int numClasses,
      int bodyParams, int outputInputs, DataType type, double l2) {
    super(name, numParameters, numInputs, numClasses, type, l2);
    this.full = full;
    this.body = body;
    this.outputPreProcessor = outputPreProcessor;
    this.bodyParams = bodyParams;
    this.outputInputs = outputInputs;
    this.bodies = body == null ? null : ThreadLocal.withInitial(() -> {
      MultiLayerNetwork b = new MultiLayerNetwork(body.clone());
      b.init();
      return b;
    });
  }

  /**
   * The model of this network (initialised; not modified, now or later). Its input width d is the
   * number of features of a flat row (8 &times; 8 images with {@code
   * InputType.convolutionalFlat(8, 8, 1)}: d = 64).
   *
   * @throws InvalidInputException for a network that cannot be read as described in the class
   *     comment, naming the layer
   */
  public static Dl4jModel of(MultiLayerNetwork network) {
    InvalidInputException.check(network != null, "network must not be null");
    InvalidInputException.check(network.getLayers() != null && network.params() != null,
        "network must be initialised (call init())");
    MultiLayerConfiguration conf = network.getLayerWiseConfigurations().clone();
    DataType type = conf.getDataType();
    InvalidInputException.check(type == DataType.DOUBLE || type == DataType.FLOAT,
        "network data type (%s) must be DOUBLE or FLOAT", type);
    List<NeuralNetConfiguration> confs = conf.getConfs();
    int last = confs.size() - 1;
    Layer out = confs.get(last).getLayer();
    InvalidInputException.check(out instanceof OutputLayer,
        "layer %d (%s) must be an OutputLayer with softmax activation: the model's objective is "
            + "the softmax cross-entropy of its logits", last, describe(out));
    OutputLayer ol = (OutputLayer) out;
    InvalidInputException.check(ol.getActivationFn() instanceof ActivationSoftmax,
        "output layer %d activation (%s) must be softmax", last, ol.getActivationFn());
    InvalidInputException.check(ol.getLossFn() instanceof LossMCXENT,
        "output layer %d loss (%s) must be MCXENT or NEGATIVELOGLIKELIHOOD", last, ol.getLossFn());
    InvalidInputException.check(ol.hasBias(), "output layer %d must have a bias", last);
    InvalidInputException.check(((LossMCXENT) ol.getLossFn()).getWeights() == null,
        "output layer %d loss has class weights; the library's objective is the unweighted mean "
            + "cross-entropy: remove them", last);
    for (int i = 0; i < last; i++) {
      Layer l = confs.get(i).getLayer();
      boolean ok = l.getClass() == DenseLayer.class || l.getClass() == ConvolutionLayer.class
          || l.getClass() == SubsamplingLayer.class || l.getClass() == GlobalPoolingLayer.class
          || l.getClass() == ActivationLayer.class || l.getClass() == DropoutLayer.class;
      InvalidInputException.check(ok, "layer %d (%s) is not supported by Dl4jModel; supported: "
          + "DenseLayer, ConvolutionLayer, SubsamplingLayer, GlobalPoolingLayer, ActivationLayer, "
          + "DropoutLayer, then a softmax OutputLayer (a layer whose training forward pass is not "
          + "a deterministic function of theta, such as BatchNormalization, cannot be "
          + "differentiated here)", i, describe(l));
    }
    double l2 = mapL2(confs, network);
    // The private copy: no dropout, no weight noise, no regularisation (the objective's L2 is the
    // library's), a no-op updater (never used: nothing here calls fit).
    for (NeuralNetConfiguration c : confs) {
      Layer l = c.getLayer();
      l.setIDropout(null);
      if (l instanceof BaseLayer b) {
        b.setWeightNoise(null);
        b.setRegularization(new ArrayList<>());
        b.setRegularizationBias(new ArrayList<>());
        b.setIUpdater(new NoOp());
        b.setBiasUpdater(new NoOp());
      }
    }
    MultiLayerConfiguration bodyConf = null;
    int bodyParams = 0;
    if (last > 0) {
      bodyConf = conf.clone();
      bodyConf.getConfs().remove(last);
      bodyConf.getInputPreProcessors().remove(last);
      MultiLayerNetwork probe = new MultiLayerNetwork(bodyConf.clone());
      probe.init();
      bodyParams = (int) probe.numParams();
    }
    int nIn = (int) ol.getNIn();
    int k = (int) ol.getNOut();
    long p = network.numParams();
    InvalidInputException.check(p == bodyParams + (long) nIn * k + k && p <= Integer.MAX_VALUE,
        "network parameters (%d) must be the layers before the output (%d) plus the output "
            + "layer's weights and bias (%d x %d + %d)", p, bodyParams, nIn, k, k);
    int d = inputWidth(network, conf);
    return new Dl4jModel(name(confs), conf, bodyConf, conf.getInputPreProcess(last), (int) p, d, k,
        bodyParams, nIn, type, l2);
  }

  /** The width of a flat input row: from the first layer's nIn, or its pre-processor's shape. */
  private static int inputWidth(MultiLayerNetwork network, MultiLayerConfiguration conf) {
    InputPreProcessor pp = conf.getInputPreProcess(0);
    if (pp instanceof org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor f) {
      return (int) (f.getInputHeight() * f.getInputWidth() * f.getNumChannels());
    }
    Layer first = conf.getConf(0).getLayer();
    boolean spatial = first instanceof ConvolutionLayer || first instanceof SubsamplingLayer;
    if (first instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer f && pp == null
        && !spatial) {
      return (int) f.getNIn();
    }
    throw new InvalidInputException("the network's input (layer 0: " + describe(first)
        + ", pre-processor " + pp + ") must be flat rows: a feed-forward first layer, or "
        + "InputType.convolutionalFlat(h, w, c)");
  }

  /** λ from the network's regularisation, or a clear error where it cannot be mapped. */
  private static double mapL2(List<NeuralNetConfiguration> confs, MultiLayerNetwork network) {
    Double lambda = null;
    for (int i = 0; i < confs.size(); i++) {
      Layer l = confs.get(i).getLayer();
      if (!(l instanceof BaseLayer b) || network.getLayer(i).numParams() == 0) {
        continue;
      }
      double w = coefficient(i, l, "weights", b.getRegularization());
      boolean hasBias = network.getLayer(i).paramTable().containsKey("b");
      double bias = hasBias ? coefficient(i, l, "biases", b.getRegularizationBias()) : w;
      InvalidInputException.check(w == bias, "layer %d (%s) has L2 %s on weights and %s on "
          + "biases; the library's objective penalises every parameter alike: set "
          + ".l2(c).l2Bias(c) with one c, or remove the L2 and use Dl4jModel.of(net).withL2(c)",
          i, describe(l), w, bias);
      if (lambda == null) {
        lambda = w;
      }
      InvalidInputException.check(lambda == w, "layer %d (%s) has L2 %s where an earlier layer "
          + "has %s; the library's objective has one coefficient for every parameter", i,
          describe(l), w, lambda);
    }
    return lambda == null ? 0 : lambda;
  }

  private static double coefficient(int i, Layer l, String what, List<Regularization> regs) {
    if (regs == null || regs.isEmpty()) {
      return 0;
    }
    InvalidInputException.check(regs.size() == 1 && regs.get(0) instanceof L2Regularization,
        "layer %d (%s) regularises its %s with %s; only L2 (DL4J's .l2) maps onto the library's "
            + "objective (L1 and weight decay do not): remove it and use withL2", i, describe(l),
        what, regs);
    L2Regularization r = (L2Regularization) regs.get(0);
    InvalidInputException.check(r.getL2() instanceof FixedSchedule,
        "layer %d (%s) has a scheduled L2 (%s); only a fixed coefficient maps onto the objective",
        i, describe(l), r.getL2());
    return r.getL2().valueAt(0, 0);
  }

  private static String describe(Layer l) {
    return l.getClass().getSimpleName() + (l.getLayerName() == null ? ""
        : " \"" + l.getLayerName() + "\"");
  }

  private static String name(List<NeuralNetConfiguration> confs) {
    List<String> parts = new ArrayList<>();
    for (NeuralNetConfiguration c : confs) {
      Layer l = c.getLayer();
      String s = l.getClass().getSimpleName().replace("Layer", "").toLowerCase(Locale.ROOT);
      if (l instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer f && f.getNOut() > 0) {
        s += f.getNOut();
      }
      parts.add(s.isEmpty() ? "layer" : s);
    }
    return "dl4j(" + String.join("-", parts) + ")";
  }

  @Override
  public INDArray initialParameters(long seed) {
    MultiLayerConfiguration c = full.clone();
    for (NeuralNetConfiguration n : c.getConfs()) {
      n.setSeed(seed);
    }
    MultiLayerNetwork net = new MultiLayerNetwork(c);
    net.init();
    return net.params().dup().reshape(new long[] {numParameters()}).castTo(dataType());
  }

  @Override
  public INDArray logits(INDArray theta, INDArray features) {
    INDArray a = features.castTo(dataType());
    int n = (int) a.rows();
    if (body != null) {
      MultiLayerNetwork b = bodies.get();
      b.setParams(bodyPart(theta));
      a = b.output(a, false);
    }
    if (outputPreProcessor != null) {
      a = outputPreProcessor.preProcess(a, n, NO_WS);
    }
    return a.mmul(weights(theta)).addiRowVector(bias(theta));
  }

  @Override
  protected INDArray crossEntropyGradient(INDArray theta, Dataset batch) {
    INDArray y = batch.oneHotLabels(dataType());
    int n = batch.size();
    return backward(theta, batch.features(dataType()), z -> {
      INDArray p = z.dup();
      // a stable softmax: exp(z - max) / sum
      INDArray max = p.max(1).reshape(n, 1);
      p.subiColumnVector(max);
      org.nd4j.linalg.ops.transforms.Transforms.exp(p, false);
      p.diviColumnVector(p.sum(1).reshape(n, 1));
      return p.subi(y).divi(n);
    });
  }

  @Override
  protected INDArray logitVjp(INDArray theta, INDArray features, INDArray logitGradients) {
    return backward(theta, features.castTo(dataType()), z -> logitGradients.castTo(dataType()));
  }

  /**
   * One forward pass in training mode (deterministic: no dropout, no noise), U from the logits,
   * then the exact VJP: the output layer's by hand, the rest by DL4J's backprop with external
   * errors.
   */
  private INDArray backward(INDArray theta, INDArray x,
      java.util.function.UnaryOperator<INDArray> logitGradient) {
    int n = (int) x.rows();
    INDArray a = x;
    MultiLayerNetwork b = null;
    if (body != null) {
      b = bodies.get();
      b.setParams(bodyPart(theta));
      b.setInput(x);
      List<INDArray> acts = b.feedForward(true, false);
      a = acts.get(acts.size() - 1);
    }
    INDArray aOut = outputPreProcessor != null ? outputPreProcessor.preProcess(a, n, NO_WS) : a;
    INDArray w = weights(theta);
    INDArray z = aOut.mmul(w).addiRowVector(bias(theta));
    INDArray u = logitGradient.apply(z);
    INDArray grad = Nd4j.create(dataType(), numParameters());
    INDArray dW = aOut.transpose().mmul(u); // nIn x k
    int wStart = bodyParams;
    int wLen = outputInputs * numClasses();
    grad.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(wStart, wStart + wLen))
        .assign(dW.reshape('f', new long[] {wLen}));
    grad.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(wStart + wLen, numParameters()))
        .assign(u.sum(0));
    if (b != null) {
      INDArray da = u.mmul(w.transpose());
      if (outputPreProcessor != null) {
        da = outputPreProcessor.backprop(da, n, NO_WS);
      }
      Pair<Gradient, INDArray> g = b.backpropGradient(da, NO_WS);
      grad.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, bodyParams))
          .assign(g.getFirst().gradient().reshape(new long[] {bodyParams}));
      b.clear();
    }
    return grad;
  }

  private INDArray bodyPart(INDArray theta) {
    return theta.castTo(dataType()).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0,
        bodyParams)).dup().reshape(1, bodyParams);
  }

  /** The output layer's W (nIn x k), stored in DL4J's column-major order. */
  private INDArray weights(INDArray theta) {
    int len = outputInputs * numClasses();
    return theta.castTo(dataType()).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(bodyParams,
        bodyParams + len)).dup().reshape('f', new long[] {outputInputs, numClasses()});
  }

  private INDArray bias(INDArray theta) {
    int start = bodyParams + outputInputs * numClasses();
    return theta.castTo(dataType()).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(start,
        numParameters())).dup();
  }
}

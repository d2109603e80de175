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
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
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
 * A Deeplearning4j {@link MultiLayerNetwork} or {@link ComputationGraph} as an unlearn {@link
 * dev.unlearn.api.Model}: &theta; is the network's flattened trainable parameters ({@code
 * net.params()}, in DL4J's order, without BatchNormalization's running statistics; where each
 * parameter sits is read from DL4J by name), and the objective is the library's: mean softmax
 * cross-entropy plus (&lambda;/2)&Vert;&theta;&Vert;&sup2;.
 *
 * <pre>{@code
 * MultiLayerNetwork net = ...;               // built and trained the way DL4J users do
 * Dl4jModel model = Dl4jModel.of(net);       // the network itself is never modified
 * INDArray theta = model.parameters();
 * UnlearningResult r = Unlearners.forName("finetune").unlearn(
 *     UnlearningRequest.builder(model, theta, train).forgetRows(rows).build());
 * MultiLayerNetwork unlearned = model.toMultiLayerNetwork(r.parameters());
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
 * {@link ActivationLayer}, {@link DropoutLayer} and {@link BatchNormalization}, with DL4J's input
 * pre-processors. Any other layer (recurrent layers, ...) is rejected with its index and class.
 * Dropout and weight noise are switched off in the private copy (derivatives need a deterministic
 * forward pass). The DL4J loss's own
 * probability clipping, the updater and its division by the batch size play no part: the logits come
 * from DL4J's forward pass, and the loss, its gradient with respect to the logits and the 1/n are the
 * library's.
 *
 * <p><b>BatchNormalization</b> is read in inference mode: its running mean and variance are held
 * fixed (the values in the network given to {@link #of}) and are not part of &theta;, so &theta; is
 * {@code net.params()} without them ({@link #parameters()}); &gamma; and &beta; are in &theta;. In
 * the private copy each such layer is the equivalent per-channel affine layer, so every derivative
 * is that of the inference-mode function (DL4J's own backpropagation through BatchNormalization is
 * the training-mode one, through the batch statistics). {@link #toMultiLayerNetwork} gives the
 * network back with new &theta; and the same running statistics.
 *
 * <p><b>L2.</b> A network without regularisation gives &lambda; = 0. DL4J's {@code .l2(c)} (an
 * {@link L2Regularization}, score c/2 &Vert;w&Vert;&sup2;, gradient c w) maps to &lambda; = c when
 * every parameter-bearing layer has it on weights and biases alike ({@code .l2(c).l2Bias(c)}).
 * Anything else cannot be written as (&lambda;/2)&Vert;&theta;&Vert;&sup2; and is rejected naming the
 * layer: L1, weight decay (applied by the updater, not part of the objective), different
 * coefficients per layer, or weights-only L2; and L2 in a network with BatchNormalization, because
 * DL4J never regularises &gamma; and &beta;. {@link #of(MultiLayerNetwork, double)} states &lambda;
 * explicitly instead of reading it, and {@link #withL2} sets another &lambda;.
 *
 * <p><b>Threads and the caller's network.</b> The network given to {@link #of} is read once
 * (configuration and parameters are copied); each thread that uses the model works on its own copy
 * of the network, so the model is safe from several threads as the {@code Model} contract says.
 */
public final class Dl4jModel extends AbstractModel {
  private static final LayerWorkspaceMgr NO_WS = LayerWorkspaceMgr.noWorkspaces();
  /** The name of the identity layer that ends a graph's body. */
  private static final String BODY_OUTPUT = "unlearn-body-output";

  /** A private copy of the layers before the output layer, used by one thread. */
  private interface Body {
    /** Sets the body's flat parameters (in the body network's own order). */
    void setParams(INDArray bodyParams);

    /** The activations that enter the output layer (before its pre-processor), inference mode. */
    INDArray infer(INDArray x);

    /** The same in training mode (deterministic here), keeping what backprop needs. */
    INDArray forwardForBackprop(INDArray x);

    /** The body's flat gradient for external errors at its output (after {@link #forwardForBackprop}). */
    INDArray backprop(INDArray epsilon);
  }

  /**
   * Where each parameter lives in θ: {@code keep} lists the network's flat parameters that are θ
   * (all but BatchNormalization's running statistics), {@code bodyFromTheta} the θ entry of each
   * body parameter (−1 for a normalisation layer's replacement, set from {@code norms}).
   */
  private record Layout(int[] keep, int[] bodyFromTheta, List<Norm> norms, int[] outputWeights,
      int[] outputBias) {}

  /**
   * A BatchNormalization layer in inference mode, per channel c: y = γ_c s_c x + β_c − γ_c ms_c,
   * with s = 1/√(σ² + ε) and ms = μ s from the layer's running statistics (held fixed). In the
   * private body it is a per-channel affine layer with weights w = γ s and bias b = β − γ ms.
   * {@code gamma}/{@code beta} are θ indices, or null when DL4J locks them (then s and ms already
   * hold the fixed γ and β, and the layer has no θ entries). {@code w}/{@code b} index the body's
   * flat parameters.
   */
  private record Norm(String key, int[] gamma, int[] beta, double[] s, double[] ms, int[] w,
      int[] b) {
    Norm at(int[] gammaAt, int[] betaAt, int[] wAt, int[] bAt) {
      return new Norm(key, gammaAt, betaAt, s, ms, wAt, bAt);
    }
  }

  private final java.util.function.Supplier<Body> bodyFactory;
  private final InputPreProcessor outputPreProcessor;
  private final Layout layout;
  private final int outputInputs;
  private final java.util.function.LongFunction<INDArray> initializer;
  /** The network given to {@link #of}: its flat parameters (running statistics included). */
  private final double[] originalFull;
  /** A new network of the user's configuration with these flat parameters. */
  private final java.util.function.Function<INDArray, org.deeplearning4j.nn.api.Model> rebuild;
  private final transient ThreadLocal<Body> bodies;

  private Dl4jModel(String name, java.util.function.Supplier<Body> bodyFactory,
      InputPreProcessor outputPreProcessor, Layout layout, int numInputs, int numClasses,
      int outputInputs, java.util.function.LongFunction<INDArray> initializer,
      INDArray originalFull, java.util.function.Function<INDArray,
          org.deeplearning4j.nn.api.Model> rebuild, DataType type, double l2) {
    super(name, layout.keep().length, numInputs, numClasses, type, l2);
    this.bodyFactory = bodyFactory;
    this.outputPreProcessor = outputPreProcessor;
    this.layout = layout;
    this.outputInputs = outputInputs;
    this.initializer = initializer;
    this.originalFull = originalFull.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    this.rebuild = rebuild;
    this.bodies = bodyFactory == null ? null : ThreadLocal.withInitial(bodyFactory);
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
    return of(network, null);
  }

  /**
   * The model of this network with the objective's &lambda; stated explicitly: the network's own
   * regularisation is not read (nor rejected). Use it where the network's L2 cannot be mapped, for
   * example with BatchNormalization, whose &gamma; and &beta; DL4J never regularises while the
   * library's objective penalises every parameter alike.
   */
  public static Dl4jModel of(MultiLayerNetwork network, double l2) {
    return of(network, Double.valueOf(l2));
  }

  private static Dl4jModel of(MultiLayerNetwork network, Double explicitL2) {
    InvalidInputException.check(network != null, "network must not be null");
    InvalidInputException.check(network.getLayers() != null && network.params() != null,
        "network must be initialised (call init())");
    MultiLayerConfiguration userConf = network.getLayerWiseConfigurations().clone();
    MultiLayerConfiguration conf = userConf.clone();
    DataType type = checkType(conf.getDataType());
    List<NeuralNetConfiguration> confs = conf.getConfs();
    int last = confs.size() - 1;
    OutputLayer ol = checkOutput("layer " + last, confs.get(last).getLayer());
    List<Param> layers = new ArrayList<>();
    for (int i = 0; i < last; i++) {
      checkBody("layer " + i, confs.get(i).getLayer());
    }
    for (int i = 0; i <= last; i++) {
      layers.add(new Param("layer " + i, confs.get(i).getLayer(), network.getLayer(i)));
    }
    double l2 = explicitL2 != null ? explicitL2 : mapL2(layers);
    int d = inputWidth(conf.getInputPreProcess(0), confs.get(0).getLayer());
    // BatchNormalization in inference mode: read from a copy of the user's network
    MultiLayerNetwork probe = network.clone();
    List<INDArray> acts = probe.feedForward(Nd4j.zeros(type, 1, d), false);
    List<Norm> norms = new ArrayList<>();
    java.util.Map<Integer, Layer> replacements = new java.util.HashMap<>();
    for (int i = 0; i < last; i++) {
      if (confs.get(i).getLayer() instanceof BatchNormalization bn) {
        InputPreProcessor pp = conf.getInputPreProcess(i);
        INDArray in = pp == null ? acts.get(i) : pp.preProcess(acts.get(i), 1, NO_WS);
        norms.add(readNorm(String.valueOf(i), bn, probe.getLayer(i), type));
        replacements.put(i, affineLayer("layer " + i, bn, in.rank()));
      }
    }
    confs.forEach(Dl4jModel::strip);
    MultiLayerNetwork full = new MultiLayerNetwork(conf.clone());
    full.init();
    MultiLayerConfiguration bodyConf;
    MultiLayerNetwork body = null;
    if (last > 0) {
      bodyConf = conf.clone();
      bodyConf.getConfs().remove(last);
      bodyConf.getInputPreProcessors().remove(last);
      replacements.forEach((i, l) -> {
        bodyConf.getConfs().get(i).setLayer(l);
        strip(bodyConf.getConfs().get(i));
      });
      body = new MultiLayerNetwork(bodyConf.clone());
      body.init();
    } else {
      bodyConf = null;
    }
    Layout layout = layout(full.numParams(), full::setParams, full::getParam,
        full.paramTable().keySet(), body == null ? 0 : body.numParams(),
        body == null ? null : body::setParams, body == null ? null : body::getParam,
        body == null ? java.util.Set.of() : body.paramTable().keySet(), String.valueOf(last),
        norms, type);
    java.util.function.Supplier<Body> factory = bodyConf == null ? null : () -> {
      MultiLayerNetwork b = new MultiLayerNetwork(bodyConf.clone());
      b.init();
      return new MlnBody(b);
    };
    java.util.function.LongFunction<INDArray> init = seed -> {
      MultiLayerConfiguration c = conf.clone();
      for (NeuralNetConfiguration n : c.getConfs()) {
        n.setSeed(seed);
      }
      MultiLayerNetwork net = new MultiLayerNetwork(c);
      net.init();
      return net.params().dup();
    };
    java.util.function.Function<INDArray, org.deeplearning4j.nn.api.Model> rebuild = flat -> {
      MultiLayerNetwork net = new MultiLayerNetwork(userConf.clone());
      net.init(flat.reshape(1, flat.length()).castTo(type), true);
      return net;
    };
    Dl4jModel m = new Dl4jModel(name(confs.stream().map(NeuralNetConfiguration::getLayer)
        .toList()), factory, conf.getInputPreProcess(last), layout, d, (int) ol.getNOut(),
        (int) ol.getNIn(), init, network.params(), rebuild, type, l2);
    return m;
  }

  /**
   * The model of a {@link ComputationGraph} with one input and one output, the output an
   * {@link OutputLayer} with softmax fed by one vertex; the other vertices are layers of the kinds
   * {@link #of(MultiLayerNetwork)} accepts, or parameter-free vertices (merge, element-wise,
   * subset, ...). The graph is not modified.
   */
  public static Dl4jModel of(ComputationGraph graph) {
    return of(graph, null);
  }

  /** The model of this graph with the objective's &lambda; stated explicitly (see {@link
   * #of(MultiLayerNetwork, double)}). */
  public static Dl4jModel of(ComputationGraph graph, double l2) {
    return of(graph, Double.valueOf(l2));
  }

  private static Dl4jModel of(ComputationGraph graph, Double explicitL2) {
    InvalidInputException.check(graph != null, "graph must not be null");
    InvalidInputException.check(graph.getVertices() != null && graph.params() != null,
        "graph must be initialised (call init())");
    ComputationGraphConfiguration userConf = graph.getConfiguration().clone();
    ComputationGraphConfiguration conf = userConf.clone();
    DataType type = checkType(conf.getDataType());
    InvalidInputException.check(conf.getNetworkInputs().size() == 1
        && conf.getNetworkOutputs().size() == 1, "graph inputs %s and outputs %s must be one "
            + "each", conf.getNetworkInputs(), conf.getNetworkOutputs());
    String input = conf.getNetworkInputs().get(0);
    String outName = conf.getNetworkOutputs().get(0);
    GraphVertex outVertex = conf.getVertices().get(outName);
    InvalidInputException.check(outVertex instanceof LayerVertex,
        "output vertex \"%s\" must be an OutputLayer with softmax activation", outName);
    OutputLayer ol = checkOutput("vertex \"" + outName + "\"",
        ((LayerVertex) outVertex).getLayerConf().getLayer());
    List<String> outInputs = conf.getVertexInputs().get(outName);
    InvalidInputException.check(outInputs.size() == 1, "output vertex \"%s\" inputs %s must be "
        + "one vertex", outName, outInputs);
    String inName = outInputs.get(0);
    List<Param> layers = new ArrayList<>();
    List<Layer> ordered = new ArrayList<>();
    for (int idx : graph.topologicalSortOrder()) {
      String v = graph.getVertices()[idx].getVertexName();
      GraphVertex gv = conf.getVertices().get(v);
      if (gv instanceof LayerVertex lv) {
        Layer l = lv.getLayerConf().getLayer();
        if (!v.equals(outName)) {
          checkBody("vertex \"" + v + "\"", l);
        }
        layers.add(new Param("vertex \"" + v + "\"", l, graph.getLayer(v)));
        ordered.add(l);
      } else if (gv != null) {
        InvalidInputException.check(gv.numParams(false) == 0, "vertex \"%s\" (%s) has "
            + "parameters and is not supported", v, gv.getClass().getSimpleName());
      }
    }
    double l2 = explicitL2 != null ? explicitL2 : mapL2(layers);
    String first = conf.getVertexInputs().entrySet().stream()
        .filter(e -> e.getValue().contains(input)).map(java.util.Map.Entry::getKey).findFirst()
        .orElseThrow(() -> new InvalidInputException("graph input " + input + " feeds no vertex"));
    GraphVertex fv = conf.getVertices().get(first);
    InvalidInputException.check(fv instanceof LayerVertex, "vertex \"%s\" after the input must "
        + "be a layer", first);
    int d = inputWidth(((LayerVertex) fv).getPreProcessor(),
        ((LayerVertex) fv).getLayerConf().getLayer());
    // BatchNormalization in inference mode: read from a copy of the user's graph
    List<Norm> norms = new ArrayList<>();
    java.util.Map<String, Layer> replacements = new java.util.HashMap<>();
    ComputationGraph probe = null;
    java.util.Map<String, INDArray> acts = null;
    for (java.util.Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
      if (e.getValue() instanceof LayerVertex lv
          && lv.getLayerConf().getLayer() instanceof BatchNormalization bn) {
        if (probe == null) {
          probe = graph.clone();
          acts = probe.feedForward(new INDArray[] {Nd4j.zeros(type, 1, d)}, false);
        }
        String v = e.getKey();
        INDArray in = acts.get(conf.getVertexInputs().get(v).get(0));
        if (lv.getPreProcessor() != null) {
          in = lv.getPreProcessor().preProcess(in, 1, NO_WS);
        }
        norms.add(readNorm(v, bn, probe.getLayer(v), type));
        replacements.put(v, affineLayer("vertex \"" + v + "\"", bn, in.rank()));
      }
    }
    for (GraphVertex gv : conf.getVertices().values()) {
      if (gv instanceof LayerVertex lv) {
        strip(lv.getLayerConf());
      }
    }
    ComputationGraph full = new ComputationGraph(conf.clone());
    full.init();
    ComputationGraphConfiguration bodyConf = null;
    ComputationGraph body = null;
    if (!inName.equals(input)) {
      // The body ends in an identity layer after the output layer's input: DL4J sets external
      // errors only on layer vertices, and the input may be a merge or another vertex.
      bodyConf = new TransferLearning.GraphBuilder(full).removeVertexAndConnections(outName)
          .addLayer(BODY_OUTPUT, new ActivationLayer.Builder()
              .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), inName)
          .setOutputs(BODY_OUTPUT).build().getConfiguration().clone();
      bodyConf.setDataType(type);
      for (java.util.Map.Entry<String, Layer> r : replacements.entrySet()) {
        NeuralNetConfiguration nc =
            ((LayerVertex) bodyConf.getVertices().get(r.getKey())).getLayerConf();
        nc.setLayer(r.getValue());
        strip(nc);
      }
      body = new ComputationGraph(bodyConf.clone());
      body.init();
    }
    ComputationGraph b0 = body;
    Layout layout = layout(full.numParams(), full::setParams, full::getParam,
        full.paramTable().keySet(), b0 == null ? 0 : b0.numParams(),
        b0 == null ? null : b0::setParams, b0 == null ? null : b0::getParam,
        b0 == null ? java.util.Set.of() : b0.paramTable().keySet(), outName, norms, type);
    ComputationGraphConfiguration bc = bodyConf;
    java.util.function.Supplier<Body> factory = bc == null ? null : () -> {
      ComputationGraph g = new ComputationGraph(bc.clone());
      g.init();
      return new GraphBody(g, BODY_OUTPUT);
    };
    java.util.function.LongFunction<INDArray> init = seed -> {
      ComputationGraphConfiguration c = conf.clone();
      c.getDefaultConfiguration().setSeed(seed);
      for (GraphVertex gv : c.getVertices().values()) {
        if (gv instanceof LayerVertex lv) {
          lv.getLayerConf().setSeed(seed);
        }
      }
      ComputationGraph g = new ComputationGraph(c);
      g.init();
      return g.params().dup();
    };
    java.util.function.Function<INDArray, org.deeplearning4j.nn.api.Model> rebuild = flat -> {
      ComputationGraph g = new ComputationGraph(userConf.clone());
      g.init(flat.reshape(1, flat.length()).castTo(type), true);
      return g;
    };
    return new Dl4jModel(name(ordered).replace("dl4j(", "dl4j-graph("), factory,
        ((LayerVertex) outVertex).getPreProcessor(), layout, d, (int) ol.getNOut(),
        (int) ol.getNIn(), init, graph.params(), rebuild, type, l2);
  }

  private static DataType checkType(DataType type) {
    InvalidInputException.check(type == DataType.DOUBLE || type == DataType.FLOAT,
        "network data type (%s) must be DOUBLE or FLOAT", type);
    return type;
  }

  private static OutputLayer checkOutput(String where, Layer out) {
    InvalidInputException.check(out instanceof OutputLayer,
        "%s (%s) must be an OutputLayer with softmax activation: the model's objective is the "
            + "softmax cross-entropy of its logits", where, describe(out));
    OutputLayer ol = (OutputLayer) out;
    InvalidInputException.check(ol.getActivationFn() instanceof ActivationSoftmax,
        "output %s activation (%s) must be softmax", where, ol.getActivationFn());
    InvalidInputException.check(ol.getLossFn() instanceof LossMCXENT,
        "output %s loss (%s) must be MCXENT or NEGATIVELOGLIKELIHOOD", where, ol.getLossFn());
    InvalidInputException.check(ol.hasBias(), "output %s must have a bias", where);
    InvalidInputException.check(((LossMCXENT) ol.getLossFn()).getWeights() == null,
        "output %s loss has class weights; the library's objective is the unweighted mean "
            + "cross-entropy: remove them", where);
    return ol;
  }

  private static void checkBody(String where, Layer l) {
    boolean ok = l.getClass() == DenseLayer.class || l.getClass() == ConvolutionLayer.class
        || l.getClass() == SubsamplingLayer.class || l.getClass() == GlobalPoolingLayer.class
        || l.getClass() == ActivationLayer.class || l.getClass() == DropoutLayer.class
        || l.getClass() == BatchNormalization.class;
    InvalidInputException.check(ok, "%s (%s) is not supported by Dl4jModel; supported: "
        + "DenseLayer, ConvolutionLayer, SubsamplingLayer, GlobalPoolingLayer, ActivationLayer, "
        + "DropoutLayer, BatchNormalization (in inference mode), then a softmax OutputLayer",
        where, describe(l));
  }

  /**
   * A BatchNormalization layer read in inference mode from the probe (a copy of the user's
   * network): its output for inputs 0 and 1 in every channel, with γ = 1 and β = 0 unless locked,
   * gives s and ms per channel, whatever DL4J's storage of the statistics (variance or log10 of
   * the standard deviation) and ε.
   */
  private static Norm readNorm(String key, BatchNormalization bn,
      org.deeplearning4j.nn.api.Layer layer, DataType type) {
    int c = (int) bn.getNOut();
    if (!bn.isLockGammaBeta()) {
      layer.getParam("gamma").assign(1);
      layer.getParam("beta").assign(0);
    }
    INDArray x = Nd4j.zeros(type, 2, c);
    x.getRow(1).assign(1);
    double[][] y = layer.activate(x, false, NO_WS).castTo(DataType.DOUBLE).toDoubleMatrix();
    double[] s = new double[c];
    double[] ms = new double[c];
    for (int j = 0; j < c; j++) {
      s[j] = y[1][j] - y[0][j];
      ms[j] = -y[0][j];
    }
    return new Norm(key, null, null, s, ms, null, null);
  }

  /**
   * The per-channel affine layer that replaces a BatchNormalization layer in the private body:
   * element-wise multiplication for flat activations, a 1 &times; 1 depthwise convolution for
   * images.
   */
  private static Layer affineLayer(String where, BatchNormalization bn, int rank) {
    long c = bn.getNOut();
    var identity = org.nd4j.linalg.activations.Activation.IDENTITY;
    if (rank == 2) {
      return new ElementWiseMultiplicationLayer.Builder().nIn(c).nOut(c).activation(identity)
          .weightInit(WeightInit.ZERO).name(bn.getLayerName()).build();
    }
    InvalidInputException.check(rank == 4, "%s (%s) normalises activations of rank %d; only "
        + "flat (2) and image (4) activations are supported", where, describe(bn), rank);
    return new DepthwiseConvolution2D.Builder(1, 1).stride(1, 1).nIn(c).nOut(c)
        .depthMultiplier(1).dataFormat(bn.getCnn2DFormat()).activation(identity)
        .weightInit(WeightInit.ZERO).name(bn.getLayerName()).build();
  }

  /**
   * The private copy's layer: no dropout, no weight noise, no regularisation (the objective's L2 is
   * the library's), a no-op updater (never used: nothing here calls fit).
   */
  private static void strip(NeuralNetConfiguration c) {
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

  /** A layer's configuration and its instance in the user's network (for its parameters). */
  private record Param(String where, Layer conf, org.deeplearning4j.nn.api.Layer instance) {}

  /**
   * Where each parameter lives: every parameter of a network is set to its own index in the flat
   * parameters (0, 1, ..., p − 1), and the body's and the output layer's parameter arrays, read
   * back by name, say which entry each of their elements is. Independent of DL4J's flattening
   * order. θ is the flat parameters without the normalisation layers' running statistics.
   */
  private static Layout layout(long pFull, java.util.function.Consumer<INDArray> setFull,
      java.util.function.Function<String, INDArray> getFull, java.util.Set<String> fullKeys,
      long pb, java.util.function.Consumer<INDArray> setBody,
      java.util.function.Function<String, INDArray> getBody, java.util.Set<String> bodyKeys,
      String out, List<Norm> norms, DataType type) {
    long most = Math.max(pFull, pb);
    InvalidInputException.check(most <= (type == DataType.FLOAT ? 1 << 24 : Integer.MAX_VALUE),
        "network parameters (%d) must be at most %d for %s (each is indexed by its value)", most,
        type == DataType.FLOAT ? 1 << 24 : Integer.MAX_VALUE, type);
    setFull.accept(Nd4j.arange(0, pFull).castTo(type).reshape(1, pFull));
    boolean[] stat = new boolean[(int) pFull];
    java.util.Set<String> normKeys = new java.util.HashSet<>();
    for (Norm n : norms) {
      normKeys.add(n.key());
      for (String k : List.of("mean", "var", "log10stdev")) {
        if (fullKeys.contains(n.key() + "_" + k)) {
          for (int f : ints(getFull.apply(n.key() + "_" + k))) {
            stat[f] = true;
          }
        }
      }
    }
    int[] thetaOf = new int[(int) pFull];
    int p = 0;
    for (int f = 0; f < pFull; f++) {
      thetaOf[f] = stat[f] ? -1 : p++;
    }
    int[] keep = new int[p];
    for (int f = 0; f < pFull; f++) {
      if (thetaOf[f] >= 0) {
        keep[thetaOf[f]] = f;
      }
    }
    java.util.function.Function<String, int[]> inTheta = key -> {
      int[] at = ints(getFull.apply(key));
      for (int j = 0; j < at.length; j++) {
        at[j] = thetaOf[at[j]];
      }
      return at;
    };
    int[] bodyFromTheta = new int[(int) pb];
    java.util.Arrays.fill(bodyFromTheta, -1);
    int covered = 0;
    List<Norm> placed = new ArrayList<>();
    if (pb > 0) {
      setBody.accept(Nd4j.arange(0, pb).castTo(type).reshape(1, pb));
      for (String key : bodyKeys) {
        if (normKeys.contains(key.substring(0, key.lastIndexOf('_')))) {
          continue;
        }
        int[] t = inTheta.apply(key);
        int[] inBody = ints(getBody.apply(key));
        for (int j = 0; j < inBody.length; j++) {
          bodyFromTheta[inBody[j]] = t[j];
        }
        covered += t.length;
      }
      for (Norm n : norms) {
        boolean locked = !fullKeys.contains(n.key() + "_gamma");
        Norm at = n.at(locked ? null : inTheta.apply(n.key() + "_gamma"),
            locked ? null : inTheta.apply(n.key() + "_beta"), ints(getBody.apply(n.key() + "_W")),
            ints(getBody.apply(n.key() + "_b")));
        covered += locked ? 0 : at.gamma().length + at.beta().length;
        placed.add(at);
      }
    }
    int[] w = inTheta.apply(out + "_W");
    int[] b = inTheta.apply(out + "_b");
    InvalidInputException.check(covered + w.length + b.length == p, "network parameters (%d, "
        + "without running statistics) must be the layers before the output (%d) plus the "
        + "output layer's weights and bias (%d + %d)", p, covered, w.length, b.length);
    return new Layout(keep, bodyFromTheta, List.copyOf(placed), w, b);
  }

  /** The values of an index array (row-major), as ints. */
  private static int[] ints(INDArray a) {
    double[] v = a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (int) v[i];
    }
    return out;
  }

  /** The width of a flat input row: from the first layer's nIn, or its pre-processor's shape. */
  private static int inputWidth(InputPreProcessor pp, Layer first) {
    if (pp instanceof org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor f) {
      return (int) (f.getInputHeight() * f.getInputWidth() * f.getNumChannels());
    }
    boolean spatial = first instanceof ConvolutionLayer || first instanceof SubsamplingLayer;
    if (first instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer f && pp == null
        && !spatial) {
      return (int) f.getNIn();
    }
    throw new InvalidInputException("the network's input (" + describe(first)
        + ", pre-processor " + pp + ") must be flat rows: a feed-forward first layer, or "
        + "InputType.convolutionalFlat(h, w, c)");
  }

  /** λ from the network's regularisation, or a clear error where it cannot be mapped. */
  private static double mapL2(List<Param> layers) {
    Double lambda = null;
    Param norm = null;
    for (Param p : layers) {
      if (p.conf() instanceof BatchNormalization bn) {
        // DL4J never regularises a normalisation layer, whatever its configuration says
        norm = bn.isLockGammaBeta() || norm != null ? norm : p;
        continue;
      }
      if (!(p.conf() instanceof BaseLayer b) || p.instance().numParams() == 0) {
        continue;
      }
      double w = coefficient(p.where(), p.conf(), "weights", b.getRegularization());
      boolean hasBias = p.instance().paramTable().containsKey("b");
      double bias = hasBias ? coefficient(p.where(), p.conf(), "biases",
          b.getRegularizationBias()) : w;
      InvalidInputException.check(w == bias, "%s (%s) has L2 %s on weights and %s on "
          + "biases; the library's objective penalises every parameter alike: set "
          + ".l2(c).l2Bias(c) with one c, or remove the L2 and use Dl4jModel.of(net).withL2(c)",
          p.where(), describe(p.conf()), w, bias);
      if (lambda == null) {
        lambda = w;
      }
      InvalidInputException.check(lambda == w, "%s (%s) has L2 %s where an earlier layer "
          + "has %s; the library's objective has one coefficient for every parameter",
          p.where(), describe(p.conf()), w, lambda);
    }
    InvalidInputException.check(lambda == null || lambda == 0 || norm == null, "%s (%s): DL4J "
        + "does not apply the network's L2 (%s) to gamma and beta, but the library's objective "
        + "penalises every parameter alike; state the objective's coefficient yourself with "
        + "Dl4jModel.of(network, l2) (gamma and beta then penalised too)", norm == null ? ""
        : norm.where(), norm == null ? "" : describe(norm.conf()), lambda);
    return lambda == null ? 0 : lambda;
  }

  private static double coefficient(String where, Layer l, String what,
      List<Regularization> regs) {
    if (regs == null || regs.isEmpty()) {
      return 0;
    }
    InvalidInputException.check(regs.size() == 1 && regs.get(0) instanceof L2Regularization,
        "%s (%s) regularises its %s with %s; only L2 (DL4J's .l2) maps onto the library's "
            + "objective (L1 and weight decay do not): remove it and use withL2", where,
        describe(l), what, regs);
    L2Regularization r = (L2Regularization) regs.get(0);
    InvalidInputException.check(r.getL2() instanceof FixedSchedule,
        "%s (%s) has a scheduled L2 (%s); only a fixed coefficient maps onto the objective",
        where, describe(l), r.getL2());
    return r.getL2().valueAt(0, 0);
  }

  private static String describe(Layer l) {
    return l.getClass().getSimpleName() + (l.getLayerName() == null ? ""
        : " \"" + l.getLayerName() + "\"");
  }

  private static String name(List<Layer> layers) {
    List<String> parts = new ArrayList<>();
    for (Layer l : layers) {
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
    double[] full = initializer.apply(seed).castTo(DataType.DOUBLE).dup('c').data().asDouble();
    return theta(full);
  }

  /**
   * θ of the network given to {@link #of}: its flat parameters in DL4J's order ({@code
   * net.params()}) without BatchNormalization's running statistics (which stay fixed).
   */
  public INDArray parameters() {
    return theta(originalFull);
  }

  /**
   * A new network of the configuration given to {@link #of} with these parameters θ (the running
   * statistics of BatchNormalization layers are the original network's): the unlearned network,
   * ready for DL4J's {@code output}, evaluation or saving. The model's own network is not touched.
   *
   * @throws InvalidInputException when θ's length is not {@link #numParameters()} or this model
   *     was made from a ComputationGraph
   */
  public MultiLayerNetwork toMultiLayerNetwork(INDArray theta) {
    org.deeplearning4j.nn.api.Model m = toNetwork(theta);
    InvalidInputException.check(m instanceof MultiLayerNetwork, "this model was made from a "
        + "ComputationGraph: use toComputationGraph");
    return (MultiLayerNetwork) m;
  }

  /**
   * A new graph of the configuration given to {@link #of} with these parameters θ (see {@link
   * #toMultiLayerNetwork}).
   */
  public ComputationGraph toComputationGraph(INDArray theta) {
    org.deeplearning4j.nn.api.Model m = toNetwork(theta);
    InvalidInputException.check(m instanceof ComputationGraph, "this model was made from a "
        + "MultiLayerNetwork: use toMultiLayerNetwork");
    return (ComputationGraph) m;
  }

  private org.deeplearning4j.nn.api.Model toNetwork(INDArray theta) {
    InvalidInputException.check(theta != null && theta.length() == numParameters(),
        "theta length (%s) must be the number of parameters (%d)",
        theta == null ? null : theta.length(), numParameters());
    double[] t = theta.castTo(DataType.DOUBLE).toDoubleVector();
    double[] full = originalFull.clone();
    int[] keep = layout.keep();
    for (int i = 0; i < keep.length; i++) {
      full[keep[i]] = t[i];
    }
    return rebuild.apply(Nd4j.createFromArray(full).castTo(dataType()));
  }

  private INDArray theta(double[] full) {
    int[] keep = layout.keep();
    double[] t = new double[keep.length];
    for (int i = 0; i < keep.length; i++) {
      t[i] = full[keep[i]];
    }
    return Nd4j.createFromArray(t).castTo(dataType());
  }

  @Override
  public INDArray logits(INDArray theta, INDArray features) {
    double[] t = theta.castTo(DataType.DOUBLE).toDoubleVector();
    INDArray a = features.castTo(dataType());
    int n = (int) a.rows();
    if (bodies != null) {
      Body b = bodies.get();
      b.setParams(bodyParams(t));
      a = b.infer(a);
    }
    if (outputPreProcessor != null) {
      a = outputPreProcessor.preProcess(a, n, NO_WS);
    }
    return a.mmul(weights(t)).addiRowVector(gather(t, layout.outputBias()));
  }

  @Override
  protected INDArray crossEntropyGradient(INDArray theta, Dataset batch) {
    INDArray y = batch.oneHotLabels(dataType());
    int n = batch.size();
    return backward(theta, batch.features(dataType()), z -> {
      INDArray p = z.dup();
      // a stable softmax: exp(z - max) / sum
      p.subiColumnVector(p.max(1).reshape(n, 1));
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
   * errors, each element written to its place in θ.
   */
  private INDArray backward(INDArray theta, INDArray x,
      java.util.function.UnaryOperator<INDArray> logitGradient) {
    double[] t = theta.castTo(DataType.DOUBLE).toDoubleVector();
    int n = (int) x.rows();
    INDArray a = x;
    Body b = null;
    if (bodies != null) {
      b = bodies.get();
      b.setParams(bodyParams(t));
      a = b.forwardForBackprop(x);
    }
    INDArray aOut = outputPreProcessor != null ? outputPreProcessor.preProcess(a, n, NO_WS) : a;
    INDArray w = weights(t);
    INDArray z = aOut.mmul(w).addiRowVector(gather(t, layout.outputBias()));
    INDArray u = logitGradient.apply(z);
    double[] grad = new double[numParameters()];
    scatter(aOut.transpose().mmul(u), layout.outputWeights(), grad); // dW, nIn x k row-major
    scatter(u.sum(0), layout.outputBias(), grad);
    if (b != null) {
      INDArray da = u.mmul(w.transpose());
      if (outputPreProcessor != null) {
        da = outputPreProcessor.backprop(da, n, NO_WS);
      }
      scatterBody(b.backprop(da), grad);
    }
    return Nd4j.createFromArray(grad).castTo(dataType());
  }

  /** θ's entries at these indices, as an array of the model's type. */
  private INDArray gather(double[] theta, int[] at) {
    double[] v = new double[at.length];
    for (int i = 0; i < at.length; i++) {
      v[i] = theta[at[i]];
    }
    return Nd4j.createFromArray(v).castTo(dataType());
  }

  /** The body's flat parameters at θ; a normalisation layer's w = γ s and b = β − γ ms. */
  private INDArray bodyParams(double[] theta) {
    int[] at = layout.bodyFromTheta();
    double[] v = new double[at.length];
    for (int i = 0; i < at.length; i++) {
      if (at[i] >= 0) {
        v[i] = theta[at[i]];
      }
    }
    for (Norm n : layout.norms()) {
      for (int c = 0; c < n.s().length; c++) {
        double g = n.gamma() == null ? 1 : theta[n.gamma()[c]];
        double be = n.beta() == null ? 0 : theta[n.beta()[c]];
        v[n.w()[c]] = g * n.s()[c];
        v[n.b()[c]] = be - g * n.ms()[c];
      }
    }
    return Nd4j.createFromArray(v).castTo(dataType());
  }

  /** Adds the body's flat gradient into θ's: ∂/∂γ = s ∂/∂w − ms ∂/∂b, ∂/∂β = ∂/∂b. */
  private void scatterBody(INDArray bodyGradient, double[] grad) {
    double[] v = bodyGradient.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    int[] at = layout.bodyFromTheta();
    for (int i = 0; i < at.length; i++) {
      if (at[i] >= 0) {
        grad[at[i]] += v[i];
      }
    }
    for (Norm n : layout.norms()) {
      if (n.gamma() == null) {
        continue;
      }
      for (int c = 0; c < n.s().length; c++) {
        grad[n.gamma()[c]] += n.s()[c] * v[n.w()[c]] - n.ms()[c] * v[n.b()[c]];
        grad[n.beta()[c]] += v[n.b()[c]];
      }
    }
  }

  /** Adds the values of {@code a} (row-major) into {@code grad} at these indices. */
  private static void scatter(INDArray a, int[] at, double[] grad) {
    double[] v = a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    for (int i = 0; i < at.length; i++) {
      grad[at[i]] += v[i];
    }
  }

  /** The output layer's W, nIn x k. */
  private INDArray weights(double[] theta) {
    return gather(theta, layout.outputWeights()).reshape(outputInputs, numClasses());
  }

  /** The body of a {@link MultiLayerNetwork}: the layers before the output layer. */
  private record MlnBody(MultiLayerNetwork net) implements Body {
    @Override
    public void setParams(INDArray p) {
      net.setParams(p.reshape(1, p.length()));
    }

    @Override
    public INDArray infer(INDArray x) {
      return net.output(x, false);
    }

    @Override
    public INDArray forwardForBackprop(INDArray x) {
      net.setInput(x);
      List<INDArray> acts = net.feedForward(true, false);
      return acts.get(acts.size() - 1);
    }

    @Override
    public INDArray backprop(INDArray epsilon) {
      Pair<Gradient, INDArray> g = net.backpropGradient(epsilon, NO_WS);
      INDArray flat = g.getFirst().gradient().dup();
      net.clear();
      return flat;
    }
  }

  /** The body of a {@link ComputationGraph}: the graph without its output vertex. */
  private record GraphBody(ComputationGraph graph, String output) implements Body {
    @Override
    public void setParams(INDArray p) {
      graph.setParams(p.reshape(1, p.length()));
    }

    @Override
    public INDArray infer(INDArray x) {
      return graph.outputSingle(false, x);
    }

    @Override
    public INDArray forwardForBackprop(INDArray x) {
      return graph.feedForward(new INDArray[] {x}, true, false).get(output);
    }

    @Override
    public INDArray backprop(INDArray epsilon) {
      Gradient g = graph.backpropGradient(epsilon);
      INDArray flat = g.gradient().dup();
      graph.clear();
      return flat;
    }
  }
}

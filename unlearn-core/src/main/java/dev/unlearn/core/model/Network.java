package dev.unlearn.core.model;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.WeakHashMap;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The architecture shared by {@link LogisticRegression} (no hidden layer) and {@link Mlp}: layer
 * sizes, activation and the flat parameter layout {@code [W1 (s0 x s1, row-major), b1, W2, b2, ...]}.
 */
final class Network {
  final int[] sizes; // s[0] = d, s[L] = k
  final Activation activation; // null when there is no hidden layer
  final int layers; // L
  final int[] wOff; // index l = 1..L
  final int[] bOff;
  final int numParameters;
  /** The off-heap buffers of this network's points, handed from point to point. */
  final BufferPool pool = new BufferPool();
  /**
   * Per thread, the point the Model convenience methods reuse: owned by this network (so by its
   * model), released with it, and dropped for a thread that has ended (weak keys).
   */
  private final Map<Thread, NetworkPoint> scratch =
      Collections.synchronizedMap(new WeakHashMap<>());

  Network(int[] sizes, Activation activation) {
    this.sizes = sizes.clone();
    this.activation = activation;
    this.layers = sizes.length - 1;
    this.wOff = new int[layers + 1];
    this.bOff = new int[layers + 1];
    long off = 0;
    for (int l = 1; l <= layers; l++) {
      wOff[l] = (int) off;
      off += (long) sizes[l - 1] * sizes[l];
      bOff[l] = (int) off;
      off += sizes[l];
      InvalidInputException.check(off <= Integer.MAX_VALUE,
          "number of parameters (%d) must be <= %d", off, Integer.MAX_VALUE);
    }
    this.numParameters = (int) off;
  }

  /**
   * The calling thread's reusable point of this network's model on {@code data} (the same
   * instance as last time), reloaded with theta; a new one when the data differ. No allocation in
   * steady state.
   */
  NetworkPoint scratchPoint(Model model, INDArray theta, Dataset data, double l2) {
    Thread me = Thread.currentThread();
    NetworkPoint point = scratch.get(me);
    if (point != null && point.data() == data) {
      point.reload(theta);
      return point;
    }
    point = new NetworkPoint(model, this, theta, data, l2);
    scratch.put(me, point);
    return point;
  }

  static void checkSizes(int[] sizes, int minLayers) {
    InvalidInputException.check(sizes != null && sizes.length >= minLayers + 1,
        "layer sizes (%s) must have at least %d entries",
        sizes == null ? "null" : Arrays.toString(sizes), minLayers + 1);
    for (int l = 0; l < sizes.length; l++) {
      InvalidInputException.check(sizes[l] >= 1, "layer size %d (%d) must be >= 1", l, sizes[l]);
    }
    InvalidInputException.check(sizes[sizes.length - 1] >= 2,
        "numClasses (%d) must be >= 2", sizes[sizes.length - 1]);
  }

  static void checkType(DataType type) {
    InvalidInputException.check(type == DataType.DOUBLE || type == DataType.FLOAT,
        "data type (%s) must be DOUBLE or FLOAT", type);
  }

  static void checkL2(double l2) {
    InvalidInputException.check(Double.isFinite(l2) && l2 >= 0, "l2 (%s) must be >= 0 and finite", l2);
  }

  String sizeString(String sep) {
    return Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(sep));
  }

  /** nn.Linear-style U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases, drawn in double. */
  INDArray initialParameters(long seed, DataType type) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] theta = new double[numParameters];
    for (int l = 1; l <= layers; l++) {
      double bound = 1.0 / Math.sqrt(sizes[l - 1]);
      for (int q = wOff[l]; q < bOff[l] + sizes[l]; q++) {
        theta[q] = (2 * rng.nextDouble() - 1) * bound;
      }
    }
    return Nd4j.createFromArray(theta).castTo(type);
  }

  void checkTheta(INDArray theta, DataType type) {
    // the messages only on failure: this runs for every call of the Model convenience methods
    if (theta == null) {
      throw new InvalidInputException("theta (null) must be an array");
    }
    if (theta.rank() != 1 || theta.length() != numParameters) {
      throw new InvalidInputException(String.format(Locale.ROOT, "theta shape (%s) must be [%d]",
          Arrays.toString(theta.shape()), numParameters));
    }
    if (theta.dataType() != type) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "theta data type (%s) must be %s", theta.dataType(), type));
    }
  }

  void checkData(Dataset data) {
    InvalidInputException.check(data != null, "data (null) must be a data set");
    InvalidInputException.check(data.numFeatures() == sizes[0],
        "data.numFeatures (%d) must be %d", data.numFeatures(), sizes[0]);
    InvalidInputException.check(data.numClasses() == sizes[layers],
        "data.numClasses (%d) must be %d", data.numClasses(), sizes[layers]);
  }

  void checkFeatures(INDArray features) {
    InvalidInputException.check(features != null && features.rank() == 2,
        "features shape (%s) must be n x %d",
        features == null ? "null" : Arrays.toString(features.shape()), sizes[0]);
    InvalidInputException.check(features.columns() == sizes[0] && features.rows() > 0,
        "features shape (%s) must be n x %d with n >= 1", Arrays.toString(features.shape()), sizes[0]);
  }
}

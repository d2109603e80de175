package dev.unlearn.benchmarks.jmh;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.SyntheticData;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Mlp;
import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The three benchmark problems of docs/performance.md, the same as the PyTorch peer's {@code hvp}
 * command: logistic 64&rarr;10 and MLP 64&rarr;128&rarr;10 (tanh) on the digits training split
 * (n = 1437), MLP 784&rarr;512&rarr;10 (tanh) on synthetic data (n = 10 000); L2 = 1e-3, the
 * nn.Linear-style initial &theta; of seed 0.
 */
public enum Problem {
  /** Logistic regression 64&rarr;10 on digits, p = 650. */
  DIGITS_LOGISTIC("digits", "logistic"),
  /** MLP 64&rarr;128&rarr;10 (tanh) on digits, p = 9 610. */
  DIGITS_MLP("digits", "mlp"),
  /** MLP 784&rarr;512&rarr;10 (tanh) on synthetic n = 10 000, p = 407 050. */
  SYNTHETIC_MLP("synthetic", "mlp");

  /** The L2 coefficient of every problem (the peer's default). */
  public static final double L2 = 1e-3;

  private final String dataset;
  private final String model;

  Problem(String dataset, String model) {
    this.dataset = dataset;
    this.model = model;
  }

  /** The peer's {@code --dataset} value. */
  public String dataset() {
    return dataset;
  }

  /** The peer's model name (its {@code --models} value). */
  public String modelName() {
    return model;
  }

  /** The model in the given data type ({@code "float64"} or {@code "float32"}). */
  public Model model(String dtype) {
    Model m = switch (this) {
      case DIGITS_LOGISTIC -> LogisticRegression.of(64, 10);
      case DIGITS_MLP -> Mlp.of(Activation.TANH, 64, 128, 10);
      case SYNTHETIC_MLP -> Mlp.of(Activation.TANH, 784, 512, 10);
    };
    return m.withL2(L2).withDataType(dataType(dtype));
  }

  /** The training data. */
  public Dataset data() {
    return this == SYNTHETIC_MLP ? SyntheticData.generate(10_000, 784, 10, 0).train()
        : Digits.standardSplit().train();
  }

  /** {@code "float64"} to DOUBLE, {@code "float32"} to FLOAT. */
  public static DataType dataType(String dtype) {
    return switch (dtype.toLowerCase(Locale.ROOT)) {
      case "float64", "double" -> DataType.DOUBLE;
      case "float32", "float" -> DataType.FLOAT;
      default -> throw new IllegalArgumentException("dtype (" + dtype + ") must be float64 or float32");
    };
  }

  /** A seeded random unit vector of length p in the given type (drawn in double). */
  public static INDArray unitVector(int p, DataType type, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] v = new double[p];
    double sq = 0;
    for (int i = 0; i < p; i++) {
      v[i] = gaussian(rng);
      sq += v[i] * v[i];
    }
    double inv = 1.0 / Math.sqrt(sq);
    for (int i = 0; i < p; i++) {
      v[i] *= inv;
    }
    return Nd4j.createFromArray(v).castTo(type);
  }

  /** A standard normal draw (Box-Muller). */
  static double gaussian(SplittableRandom rng) {
    double u = 1.0 - rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
  }
}

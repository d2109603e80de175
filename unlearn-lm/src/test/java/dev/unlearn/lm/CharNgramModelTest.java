package dev.unlearn.lm;

import dev.unlearn.testkit.ModelDerivativesContract;
import dev.unlearn.testkit.Numerics;

import static dev.unlearn.testkit.Numerics.arr;
import static dev.unlearn.testkit.Numerics.relErr;
import static dev.unlearn.lm.Oracles.vec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.testkit.Tolerance;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The testkit's {@link ModelDerivativesContract} for the character n-gram model (finite
 * differences, dense Hessians from unit products, a dense Jacobian for the Gauss-Newton matrix,
 * batch splitting, block products), plus what is specific to it: its layout, an independent
 * forward pass, bad input and seeding. Contexts are random ids (the start id and repeated ids
 * included, so the scatter-add is exercised).
 */
class CharNgramModelTest extends ModelDerivativesContract {
  static final int V = 7;
  static final int K = 3;
  static final int E = 2;
  static final int H = 5;
  static final int N = 40;
  static final double L2 = 0.01;

  @Override
  protected Model newModel() {
    return CharNgramModel.of(V, K, E, H).withL2(L2);
  }

  @Override
  protected long seed() {
    return 0x1A7E_0001L;
  }

  @Override
  protected int rows() {
    return N;
  }

  /** Random contexts of ids (the start id and repeated ids included) and next-character labels. */
  @Override
  protected Dataset newData(long seed) {
    return Oracles.randomExamples(seed, N, K, V);
  }

  @Test
  void layoutAndSizes() {
    assertThat(p).isEqualTo(V * E + K * E * H + H + H * V + V);
    assertThat(model.numInputs()).isEqualTo(K);
    assertThat(model.numClasses()).isEqualTo(V);
    assertThat(model.name()).isEqualTo("char-ngram(V=7, k=3, e=2, h=5, tanh)");
  }

  @Test
  void lossesLogitsAndProbabilitiesMatchAnIndependentForwardPass() {
    double[][] z = Oracles.referenceLogits(theta, V, K, E, H, Oracles.contexts(data));
    ModelPoint at = model.at(th, data);
    double[] losses = arr(at.perExampleLosses());
    double[] logits = arr(at.logits());
    double[] probs = arr(at.probabilities());
    double[] refLosses = new double[N];
    double sum = 0;
    Tolerance tol = Tolerance.forType(DataType.DOUBLE);
    for (int i = 0; i < N; i++) {
      double[] s = Numerics.softmax(z[i]);
      refLosses[i] = -Math.log(s[data.label(i)]);
      sum += refLosses[i];
      tol.assertClose(Arrays.copyOfRange(logits, i * V, (i + 1) * V), z[i]);
      tol.assertClose(Arrays.copyOfRange(probs, i * V, (i + 1) * V), s);
    }
    tol.assertClose(losses, refLosses);
    tol.assertClose(arr(model.logits(th, data.features())), Numerics.flatten(z));
    tol.assertClose(at.loss(), sum / N + 0.5 * L2 * Numerics.dot(theta, theta));
    report("per-example losses vs reference rel err", relErr(losses, refLosses));
  }

  @Test
  void badInputFailsFastNamingTheValue() {
    assertThatThrownBy(() -> model.at(Nd4j.zeros(DataType.DOUBLE, p + 1), data))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("theta shape ([" + (p + 1) + "])");
    INDArray nan = th.dup();
    nan.putScalar(3, Double.NaN);
    assertThatThrownBy(() -> model.at(nan, data))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("theta[3] (NaN) must be finite");
    Dataset frac = Dataset.of(Nd4j.createFromArray(new double[][] {{0, 1, 2.5}}), new int[] {1}, V);
    assertThatThrownBy(() -> model.at(th, frac))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("feature 2 of row 0 (2.5) must be a character id");
    Dataset big = Dataset.of(Nd4j.createFromArray(new double[][] {{0, 7, 1}}), new int[] {1}, V);
    assertThatThrownBy(() -> model.logits(th, big.features()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("feature 1 of row 0 (7.0) must be a character id, an integer in [0, 7)");
    Dataset wide = Oracles.randomExamples(1, 5, K + 1, V);
    assertThatThrownBy(() -> model.at(th, wide))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("data.numFeatures (4) must be 3");
    ModelPoint at = model.at(th, data);
    assertThatThrownBy(() -> at.hessianVectorProduct(Nd4j.zeros(DataType.DOUBLE, p - 1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("v shape ([" + (p - 1) + "])");
    assertThatThrownBy(() -> at.backpropagate(Nd4j.zeros(DataType.DOUBLE, N, V + 1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("logit gradients");
    assertThatThrownBy(() -> model.withDataType(DataType.FLOAT))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("data type (FLOAT) must be DOUBLE");
    assertThatThrownBy(() -> CharNgramModel.of(41, 0, 4, 4))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("context (0) must be >= 1");
    assertThatThrownBy(() -> model.withL2(-1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("l2 (-1.0) must be >= 0");
    // Per-example gradients are refused above the size limit, with the sizes in the message.
    CharNgramModel large = CharNgramModel.of(41, 6, 16, 128);
    int rows = (int) (CharNgramModel.MAX_PER_EXAMPLE_ELEMENTS / large.numParameters()) + 1;
    Dataset many = Oracles.randomExamples(2, rows, 6, 41);
    ModelPoint atLarge = large.at(large.initialParameters(1), many);
    assertThatThrownBy(atLarge::perExampleGradients)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("per-example gradient size (n x p = " + rows + " x " + large.numParameters());
    assertThat(arr(th)).containsExactly(theta);
  }

  @Test
  void initialParametersAreSeeded() {
    INDArray a = model.initialParameters(7);
    assertThat(arr(a)).containsExactly(arr(model.initialParameters(7)));
    assertThat(arr(a)).isNotEqualTo(arr(model.initialParameters(8)));
    double[] t = arr(a);
    double bound1 = 1 / Math.sqrt(K * E);
    for (int q = V * E; q < V * E + K * E * H + H; q++) {
      assertThat(Math.abs(t[q])).isLessThanOrEqualTo(bound1);
    }
    double bound2 = 1 / Math.sqrt(H);
    for (int q = V * E + K * E * H + H; q < p; q++) {
      assertThat(Math.abs(t[q])).isLessThanOrEqualTo(bound2);
    }
  }
}

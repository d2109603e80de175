package dev.unlearn.core.model;

import static dev.unlearn.testkit.Numerics.arr;
import static dev.unlearn.testkit.Numerics.relErr;
import static dev.unlearn.testkit.Numerics.vec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.testkit.ModelDerivativesContract;
import dev.unlearn.testkit.Numerics;
import dev.unlearn.testkit.Tolerance;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The testkit's {@link ModelDerivativesContract} for the library's own networks, plus what is
 * specific to them: an independent plain-Java forward pass, float32 against float64, the exact
 * wording of bad-input messages and the seeded fan-in initialisation.
 */
abstract class NetworkDerivativesContract extends ModelDerivativesContract {
  static final int N = 40;
  static final double L2 = 0.01;

  /** The layer sizes d, ..., k of the model under test. */
  abstract int[] sizes();

  /** The hidden activation (null for no hidden layer). */
  abstract Activation activation();

  @Override
  protected int rows() {
    return N;
  }

  @Override
  protected long seed() {
    return 0x5EED0000L + Arrays.hashCode(sizes()) + (activation() == null ? 0 : activation().ordinal());
  }

  @Test
  void lossesLogitsAndProbabilitiesMatchAnIndependentForwardPass() {
    double[][] z = Problems.referenceLogits(theta, sizes(), activation(), Problems.features(data));
    ModelPoint at = model.at(th, data);
    double[] losses = arr(at.perExampleLosses());
    double[] logits = arr(at.logits());
    double[] probs = arr(at.probabilities());
    double[] refLosses = new double[N];
    double sum = 0;
    int k = model.numClasses();
    Tolerance tol = Tolerance.forType(DataType.DOUBLE);
    for (int i = 0; i < N; i++) {
      double[] s = Numerics.softmax(z[i]);
      refLosses[i] = -Math.log(s[data.label(i)]);
      sum += refLosses[i];
      tol.assertClose(Arrays.copyOfRange(logits, i * k, (i + 1) * k), z[i]);
      tol.assertClose(Arrays.copyOfRange(probs, i * k, (i + 1) * k), s);
    }
    tol.assertClose(losses, refLosses);
    tol.assertClose(arr(model.logits(th, data.features())), Numerics.flatten(z));
    double expected = sum / N + 0.5 * L2 * Numerics.dot(theta, theta);
    tol.assertClose(at.loss(), expected);
    report("per-example losses vs hand computation rel err", relErr(losses, refLosses));
  }

  @Test
  void float32AgreesWithFloat64() {
    Model m32 = model.withDataType(DataType.FLOAT);
    assertThat(m32.dataType()).isEqualTo(DataType.FLOAT);
    INDArray th32 = th.castTo(DataType.FLOAT);
    double[] v = randomV(60);
    ModelPoint at32 = m32.at(th32, data);
    ModelPoint at64 = model.at(th, data);
    INDArray hv32 = at32.hessianVectorProduct(vec(v, DataType.FLOAT));
    assertThat(hv32.dataType()).isEqualTo(DataType.FLOAT);
    double ge = relErr(arr(at32.gradient()), arr(at64.gradient()));
    double he = relErr(arr(hv32), hvp(v));
    double gge = relErr(arr(at32.gaussNewtonVectorProduct(vec(v, DataType.FLOAT))), ggn(v));
    double[][] cols = {randomV(61), randomV(62), randomV(63)};
    double be = relErr(arr(at32.hessianVectorProduct(Numerics.block(cols, DataType.FLOAT))),
        arr(at64.hessianVectorProduct(Numerics.block(cols, DataType.DOUBLE))));
    double pe = relErr(arr(at32.perExampleGradients()), arr(at64.perExampleGradients()));
    double le = Math.abs(at32.loss() - at64.loss()) / Math.abs(at64.loss());
    report("float32 vs float64 gradient rel err", ge);
    report("float32 vs float64 HVP rel err", he);
    report("float32 vs float64 GGN rel err", gge);
    report("float32 vs float64 block HVP rel err", be);
    report("float32 vs float64 per-example gradients rel err", pe);
    report("float32 vs float64 loss rel err", le);
    for (double e : new double[] {ge, he, gge, be, pe, le}) {
      assertThat(e).isLessThanOrEqualTo(1e-4);
    }
  }

  @Test
  void badInputFailsFastNamingTheValue() {
    assertThatThrownBy(() -> model.at(Nd4j.zeros(DataType.DOUBLE, p + 1), data))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("theta shape ([" + (p + 1) + "])");
    assertThatThrownBy(() -> model.at(th.castTo(DataType.FLOAT), data))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("theta data type (FLOAT) must be DOUBLE");
    INDArray nan = th.dup();
    nan.putScalar(3, Double.NaN);
    assertThatThrownBy(() -> model.at(nan, data))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("theta[3] (NaN) must be finite");
    int[] s = sizes();
    Dataset wide = Numerics.gaussianData(1, 5, s[0] + 1, s[s.length - 1]);
    assertThatThrownBy(() -> model.at(th, wide))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("data.numFeatures (" + (s[0] + 1) + ") must be " + s[0]);
    Dataset classes = Numerics.gaussianData(1, 5, s[0], s[s.length - 1] + 1);
    assertThatThrownBy(() -> model.at(th, classes))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("data.numClasses");
    ModelPoint at = model.at(th, data);
    assertThatThrownBy(() -> at.hessianVectorProduct(Nd4j.zeros(DataType.DOUBLE, p - 1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("v shape ([" + (p - 1) + "])");
    assertThatThrownBy(() -> at.hessianVectorProduct(Nd4j.zeros(DataType.DOUBLE, p), Nd4j.zeros(DataType.DOUBLE, p, 2)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("out shape ([" + p + ", 2])");
    assertThatThrownBy(() -> model.withL2(-1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("l2 (-1.0) must be >= 0");
    assertThatThrownBy(() -> model.withDataType(DataType.INT))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("data type (INT)");
    // Inputs are not mutated.
    assertThat(arr(th)).containsExactly(theta);
  }

  @Test
  void initialParametersAreSeededAndWithinTheFanInBounds() {
    INDArray a = model.initialParameters(7);
    INDArray b = model.initialParameters(7);
    INDArray c = model.initialParameters(8);
    assertThat(a.shape()).containsExactly(p);
    assertThat(arr(a)).containsExactly(arr(b));
    assertThat(arr(a)).isNotEqualTo(arr(c));
    int[] s = sizes();
    double[] t = arr(a);
    int off = 0;
    for (int l = 1; l < s.length; l++) {
      double bound = 1 / Math.sqrt(s[l - 1]);
      int len = s[l - 1] * s[l] + s[l];
      for (int q = off; q < off + len; q++) {
        assertThat(Math.abs(t[q])).isLessThanOrEqualTo(bound);
      }
      off += len;
    }
    assertThat(arr(model.withDataType(DataType.FLOAT).initialParameters(7)))
        .containsExactly(arr(a.castTo(DataType.FLOAT)));
  }
}

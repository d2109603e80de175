package dev.unlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Capability;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.core.data.SyntheticData;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The minimal base class against an exact oracle: a user model written with only the two required
 * methods (here delegating them to a tanh {@link Mlp} with &lambda; = 0, as a user would delegate
 * them to their own code) must reproduce the exact Mlp's loss, gradient and per-example gradients
 * to rounding, and its Hessian-vector and Gauss-Newton products (finite differences) to 1e-6.
 */
class AbstractModelTest {
  static final long SEED = 20261129;
  static final Mlp EXACT = Mlp.of(Activation.TANH, 5, 7, 3).withL2(0.01);

  /** Two methods and a constructor: all a user writes. */
  static class OwnModel extends AbstractModel {
    final Model inner = EXACT.withL2(0);

    OwnModel() {
      super("own-mlp", EXACT.numParameters(), 5, 3, DataType.DOUBLE, 0.0);
    }

    @Override
    public INDArray logits(INDArray theta, INDArray features) {
      return inner.logits(theta, features);
    }

    @Override
    protected INDArray crossEntropyGradient(INDArray theta, Dataset batch) {
      return inner.gradient(theta, batch);
    }
  }

  /** The same with the optional vector-Jacobian product. */
  static final class OwnModelWithVjp extends OwnModel {
    @Override
    protected INDArray logitVjp(INDArray theta, INDArray features, INDArray u) {
      return inner.at(theta, Dataset.of(features, new int[(int) features.rows()], 3))
          .backpropagate(u);
    }
  }

  static Dataset data() {
    return SyntheticData.generate(30, 5, 3, SEED).train();
  }

  static INDArray theta() {
    return EXACT.initialParameters(SEED).addi(0.1);
  }

  static double rel(INDArray a, INDArray b) {
    return a.sub(b).norm2Number().doubleValue() / b.norm2Number().doubleValue();
  }

  @Test
  void derivedQuantitiesMatchTheExactModel() {
    Dataset d = data();
    INDArray t = theta();
    ModelPoint own = new OwnModelWithVjp().withL2(0.01).at(t, d);
    ModelPoint exact = EXACT.at(t, d);
    assertThat(Math.abs(own.loss() - exact.loss()) / exact.loss()).isLessThan(1e-13);
    assertThat(rel(own.gradient(), exact.gradient())).isLessThan(1e-13);
    assertThat(rel(own.probabilities(), exact.probabilities())).isLessThan(1e-13);
    assertThat(rel(own.perExampleLosses(), exact.perExampleLosses())).isLessThan(1e-13);
    assertThat(rel(own.perExampleGradients(), exact.perExampleGradients())).isLessThan(1e-12);
    INDArray v = Nd4j.rand(DataType.DOUBLE, EXACT.numParameters()).subi(0.5);
    double hvp = rel(own.hessianVectorProduct(v), exact.hessianVectorProduct(v));
    double ggn = rel(own.gaussNewtonVectorProduct(v), exact.gaussNewtonVectorProduct(v));
    System.out.printf("own model vs exact Mlp: HVP rel err %.2e, GGN rel err %.2e%n", hvp, ggn);
    assertThat(hvp).isLessThan(1e-6).isGreaterThan(0); // approximate, and honestly so
    assertThat(ggn).isLessThan(1e-6);
    INDArray block = Nd4j.rand(DataType.DOUBLE, EXACT.numParameters(), 3);
    INDArray hb = own.hessianVectorProduct(block);
    assertThat(hb.shape()).containsExactly(EXACT.numParameters(), 3L);
    assertThat(rel(hb.getColumn(1), exact.hessianVectorProduct(block.getColumn(1).dup())))
        .isLessThan(1e-6);
    INDArray u = Nd4j.rand(DataType.DOUBLE, 30, 3);
    assertThat(rel(own.backpropagate(u), exact.backpropagate(u))).isLessThan(1e-13);
  }

  @Test
  void capabilitiesSayWhatTheModelOffersAndNothingMore() {
    Model plain = new OwnModel();
    Model vjp = new OwnModelWithVjp();
    assertThat(plain.capabilities()).containsExactlyInAnyOrder(
        Capability.HESSIAN_VECTOR_PRODUCT, Capability.PER_EXAMPLE_GRADIENTS, Capability.FLOAT64);
    assertThat(vjp.capabilities()).isEqualTo(EnumSet.of(Capability.HESSIAN_VECTOR_PRODUCT,
        Capability.PER_EXAMPLE_GRADIENTS, Capability.FLOAT64, Capability.BACKPROPAGATE,
        Capability.GAUSS_NEWTON));
    assertThat(plain.hasExactHessian()).isFalse();
    // The finite-difference adapter keeps the wrapped model's capabilities, minus an exact Hessian.
    assertThat(new FiniteDifferenceHvpModel(plain).capabilities())
        .isEqualTo(plain.capabilities());
    assertThat(new FiniteDifferenceHvpModel(EXACT).capabilities())
        .doesNotContain(Capability.EXACT_HESSIAN).contains(Capability.GAUSS_NEWTON);
    assertThat(EXACT.hasExactHessian()).isTrue();
    ModelPoint at = plain.at(theta(), data());
    assertThatThrownBy(() -> at.backpropagate(Nd4j.zeros(DataType.DOUBLE, 30, 3)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("override logitVjp");
    assertThatThrownBy(() -> plain.withDataType(DataType.FLOAT))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("data type (FLOAT) must be DOUBLE");
  }

  @Test
  void withL2IsACopyAndInputsAreNotMutated() {
    Model a = new OwnModel();
    Model b = a.withL2(0.5);
    assertThat(a.l2()).isZero();
    assertThat(b.l2()).isEqualTo(0.5);
    assertThat(b).isInstanceOf(OwnModel.class);
    INDArray t = theta();
    INDArray before = t.dup();
    Dataset d = data();
    INDArray features = d.features().dup();
    ModelPoint at = b.at(t, d);
    at.gradient();
    at.hessianVectorProduct(t.dup());
    at.perExampleGradients();
    assertThat(t).isEqualTo(before);
    assertThat(d.features()).isEqualTo(features);
    // The L2 term: gradient(l2 = 0.5) - gradient(l2 = 0) = 0.5 theta.
    INDArray diff = b.gradient(t, d).sub(a.gradient(t, d));
    assertThat(rel(diff, t.mul(0.5))).isLessThan(1e-14);
    assertThatThrownBy(() -> a.withL2(-1)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("l2 (-1.0) must be finite and >= 0");
    assertThatThrownBy(() -> a.at(Nd4j.zeros(DataType.DOUBLE, 4), d))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("theta shape ([4])");
    assertThat(a.initialParameters(3)).isEqualTo(a.initialParameters(3));
    assertThat(a.initialParameters(3)).isNotEqualTo(a.initialParameters(4));
  }
}

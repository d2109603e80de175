package dev.unlearn.core.model;

import static dev.unlearn.testkit.Numerics.arr;
import static dev.unlearn.testkit.Numerics.relErr;
import static dev.unlearn.testkit.Numerics.vec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.testkit.Numerics;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FiniteDifferenceHvpModelTest {
  private static final long SEED = 424242L;

  @Test
  void approximatesTheExactHvpAndDelegatesTheRest() {
    System.out.println("FiniteDifferenceHvpModelTest seed=" + SEED);
    Mlp exact = Mlp.of(Activation.TANH, 5, 7, 3).withL2(0.01);
    Model fd = new FiniteDifferenceHvpModel(exact);
    assertThat(fd.hasExactHessian()).isFalse();
    assertThat(exact.hasExactHessian()).isTrue();
    assertThat(fd.name()).isEqualTo("fd-hvp(mlp(5-7-3, tanh))");
    assertThat(fd.numParameters()).isEqualTo(exact.numParameters());
    assertThat(fd.withL2(0.5).l2()).isEqualTo(0.5);
    assertThat(fd.withDataType(DataType.FLOAT).hasExactHessian()).isFalse();
    int p = exact.numParameters();
    Dataset data = Numerics.gaussianData(SEED, 40, 5, 3);
    INDArray theta = vec(Numerics.gaussianVector(SEED + 1, p, 0.5), DataType.DOUBLE);
    double[] v = Numerics.gaussianVector(SEED + 2, p, 1.0);
    ModelPoint at = fd.at(theta, data);
    ModelPoint ex = exact.at(theta, data);
    double err = relErr(arr(at.hessianVectorProduct(vec(v, DataType.DOUBLE))),
        arr(ex.hessianVectorProduct(vec(v, DataType.DOUBLE))));
    System.out.printf("fd-hvp vs exact HVP rel err (float64): %.3e%n", err);
    assertThat(err).isLessThanOrEqualTo(1e-6);
    // A block, with a zero column.
    double[][] cols = {v, new double[p], Numerics.gaussianVector(SEED + 3, p, 1e-3)};
    INDArray hb = at.hessianVectorProduct(Numerics.block(cols, DataType.DOUBLE));
    INDArray eb = ex.hessianVectorProduct(Numerics.block(cols, DataType.DOUBLE));
    assertThat(hb.shape()).containsExactly(p, 3);
    assertThat(Numerics.column(hb, 1)).containsOnly(0.0);
    assertThat(relErr(Numerics.column(hb, 2), Numerics.column(eb, 2))).isLessThanOrEqualTo(1e-6);
    assertThat(arr(at.gradient())).containsExactly(arr(ex.gradient()));
    assertThat(arr(at.gaussNewtonVectorProduct(vec(v, DataType.DOUBLE))))
        .containsExactly(arr(ex.gaussNewtonVectorProduct(vec(v, DataType.DOUBLE))));
    assertThat(at.loss()).isEqualTo(ex.loss());
    // float32: the step follows the float32 machine epsilon; agreement is loose, as documented.
    Model fd32 = fd.withDataType(DataType.FLOAT);
    double err32 = relErr(arr(fd32.at(theta.castTo(DataType.FLOAT), data)
        .hessianVectorProduct(vec(v, DataType.FLOAT))), arr(ex.hessianVectorProduct(vec(v, DataType.DOUBLE))));
    System.out.printf("fd-hvp vs exact HVP rel err (float32): %.3e%n", err32);
    assertThat(err32).isLessThanOrEqualTo(1e-2);
    assertThatThrownBy(() -> at.hessianVectorProduct(Nd4j.zeros(DataType.DOUBLE, p + 1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("v shape ([" + (p + 1) + "])");
    assertThatThrownBy(() -> new FiniteDifferenceHvpModel(null)).isInstanceOf(InvalidInputException.class);
  }
}

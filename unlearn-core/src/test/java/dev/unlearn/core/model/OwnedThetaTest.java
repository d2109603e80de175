package dev.unlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A point keeps its own copy of &theta; however &theta; is laid out (plain, a view at an offset, a
 * strided view): the same gradient and loss as from a plain &theta;, and neither
 * the caller's array nor later changes to it affect the point.
 */
class OwnedThetaTest {

  @Test
  void everyLayoutOfThetaGivesThePlainResultAndIsNeitherChangedNorFollowed() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      Model model = Mlp.of(Activation.TANH, 4, 6, 3).withL2(1e-2).withDataType(type);
      int p = model.numParameters();
      Dataset data = Dataset.of(Nd4j.rand(DataType.DOUBLE, 11, 4), new int[] {0, 1, 2, 0, 1, 2, 0,
          1, 2, 0, 1}, 3);
      INDArray plain = model.initialParameters(3);
      INDArray expected = model.at(plain, data).gradient();
      double loss = model.at(plain, data).loss();
      INDArray big = Nd4j.create(type, 3, p);
      big.putRow(1, plain);
      INDArray strided = Nd4j.create(type, 2L * p);
      INDArray everyOther = strided.get(NDArrayIndex.interval(0, 2, 2L * p));
      everyOther.assign(plain);
      INDArray[] layouts = {
        big.get(NDArrayIndex.point(1), NDArrayIndex.all()), // a view at an offset
        everyOther, // a view with stride 2
        plain.dup(), // plain
      };
      for (int i = 0; i < layouts.length; i++) {
        INDArray theta = layouts[i];
        INDArray before = theta.dup();
        ModelPoint at = model.at(theta, data);
        theta.muli(0.5); // the point must not follow the caller's array
        assertThat(at.gradient().reshape(p)).as("%s layout %d", type, i)
            .isEqualTo(expected.reshape(p));
        assertThat(at.loss()).isEqualTo(loss);
        theta.assign(before);
      }
    }
  }
}

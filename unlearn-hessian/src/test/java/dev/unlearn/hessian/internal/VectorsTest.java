package dev.unlearn.hessian.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The level-1 kernels on vectors that are views of one allocation at different offsets (each
 * operand must keep its own offset), against plain loops over copies.
 */
class VectorsTest {

  @Test
  void viewsOfOneAllocationKeepTheirOwnOffsets() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      double tol = type == DataType.DOUBLE ? 1e-12 : 1e-5;
      INDArray big = Nd4j.rand(type, 3, 40); // rows are contiguous views at offsets 0, 40, 80
      INDArray x = big.get(NDArrayIndex.point(1), NDArrayIndex.all());
      INDArray y = big.get(NDArrayIndex.point(2), NDArrayIndex.all());
      double[] xv = x.toDoubleVector();
      double[] yv = y.toDoubleVector();
      double dot = 0;
      double xx = 0;
      for (int i = 0; i < 40; i++) {
        dot += xv[i] * yv[i];
        xx += xv[i] * xv[i];
      }
      assertThat(Vectors.dot(x, y)).as("%s dot", type).isCloseTo(dot,
          org.assertj.core.data.Offset.offset(tol));
      assertThat(Vectors.dot(x, x)).isCloseTo(xx, org.assertj.core.data.Offset.offset(tol));
      assertThat(Vectors.norm(x)).isCloseTo(Math.sqrt(xx), org.assertj.core.data.Offset.offset(tol));
      Vectors.axpy(2.0, x, y);
      for (int i = 0; i < 40; i++) {
        assertThat(y.getDouble(i)).isCloseTo(yv[i] + 2 * xv[i],
            org.assertj.core.data.Offset.offset(tol));
        assertThat(x.getDouble(i)).isEqualTo(xv[i]);
      }
      Vectors.scal(0.5, y);
      Vectors.copy(y, big.get(NDArrayIndex.point(0), NDArrayIndex.all()));
      for (int i = 0; i < 40; i++) {
        assertThat(big.getDouble(0, i)).isCloseTo(0.5 * (yv[i] + 2 * xv[i]),
            org.assertj.core.data.Offset.offset(tol));
      }
    }
  }
}

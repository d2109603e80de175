package dev.unlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The direct BLAS product against a plain triple loop: both data types, every transpose pair,
 * row- and column-major operands and results, views with a leading dimension wider than the
 * matrix, and &beta; &ne; 0.
 */
class GemmTest {

  @Test
  void theCpuBackendTakesTheDirectPath() {
    assertThat(Gemm.NATIVE).as("OpenBLAS's preset comes with nd4j-native").isTrue();
  }

  @Test
  void everyLayoutAndTransposeMatchesATripleLoop() {
    SplittableRandom rng = new SplittableRandom(4);
    int cases = 0;
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      double tol = type == DataType.DOUBLE ? 1e-12 : 1e-4;
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          for (int layout = 0; layout < 8; layout++) {
            int m = 7;
            int n = 5;
            int k = 9;
            INDArray a = operand(ta ? k : m, ta ? m : k, type, (layout & 1) != 0, rng);
            INDArray b = operand(tb ? n : k, tb ? k : n, type, (layout & 2) != 0, rng);
            INDArray c = operand(m, n, type, (layout & 4) != 0, rng);
            double[][] expected = new double[m][n];
            for (int i = 0; i < m; i++) {
              for (int j = 0; j < n; j++) {
                double s = 0;
                for (int q = 0; q < k; q++) {
                  s += (ta ? a.getDouble(q, i) : a.getDouble(i, q))
                      * (tb ? b.getDouble(j, q) : b.getDouble(q, j));
                }
                expected[i][j] = 1.5 * s - 0.5 * c.getDouble(i, j);
              }
            }
            INDArray aBefore = a.dup();
            assertThat(Gemm.gemmNative(a, b, c, ta, tb, 1.5, -0.5)).as("the direct path").isTrue();
            assertThat(a).isEqualTo(aBefore);
            for (int i = 0; i < m; i++) {
              for (int j = 0; j < n; j++) {
                assertThat(c.getDouble(i, j)).as("%s ta=%s tb=%s layout=%d (%d,%d)", type, ta, tb,
                    layout, i, j).isCloseTo(expected[i][j],
                        org.assertj.core.data.Offset.offset(tol * (1 + Math.abs(expected[i][j]))));
              }
            }
            cases++;
          }
        }
      }
    }
    assertThat(cases).isEqualTo(64);
  }

  @Test
  void operandsThatAreViewsOfOneAllocationKeepTheirOwnOffsets() {
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      INDArray big = Nd4j.rand(type, 24, 30);
      INDArray a = big.get(NDArrayIndex.interval(0, 7), NDArrayIndex.interval(0, 9));
      INDArray b = big.get(NDArrayIndex.interval(8, 17), NDArrayIndex.interval(20, 25));
      INDArray c = big.get(NDArrayIndex.interval(17, 24), NDArrayIndex.interval(10, 15));
      INDArray expected = a.dup().mmul(b.dup());
      assertThat(Gemm.gemmNative(a, b, c, false, false, 1.0, 0.0)).isTrue();
      double tol = type == DataType.DOUBLE ? 1e-12 : 1e-4;
      assertThat(c.dup().sub(expected).amaxNumber().doubleValue()).as("%s", type).isLessThan(tol);
      // one array as two operands: A A^T into a view of the same allocation
      INDArray aat = a.dup().mmul(a.dup().transpose());
      INDArray c2 = big.get(NDArrayIndex.interval(10, 17), NDArrayIndex.interval(20, 27));
      assertThat(Gemm.gemmNative(a, a, c2, false, true, 1.0, 0.0)).isTrue();
      assertThat(c2.dup().sub(aat).amaxNumber().doubleValue()).as("%s A A^T", type)
          .isLessThan(tol);
    }
  }

  /** A rows x cols matrix: a view (leading dimension wider than it) in the given order. */
  private static INDArray operand(int rows, int cols, DataType type, boolean columnMajor,
      SplittableRandom rng) {
    INDArray big = Nd4j.create(type, new long[] {rows + 3, cols + 4}, columnMajor ? 'f' : 'c');
    for (int i = 0; i < rows + 3; i++) {
      for (int j = 0; j < cols + 4; j++) {
        big.putScalar(i, j, rng.nextGaussian());
      }
    }
    return big.get(NDArrayIndex.interval(1, rows + 1), NDArrayIndex.interval(2, cols + 2));
  }
}

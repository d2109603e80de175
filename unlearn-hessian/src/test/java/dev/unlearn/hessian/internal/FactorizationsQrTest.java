package dev.unlearn.hessian.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.hessian.testing.Dense;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** QR beyond ND4J's 128-column {@code geqrf} limit, checked densely in plain Java. */
class FactorizationsQrTest {

  @Test
  void wideQrIsOrthonormalAndReconstructsEvenWhenRankDeficient() {
    long seed = 41;
    System.out.println("FactorizationsQrTest seed=" + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    int p = 500;
    for (int k : new int[] {100, 129, 200, 320}) {
      double[][] y = Dense.gaussian(p, k, rng);
      // columns from 260 on repeat (scaled) earlier ones: numerical rank 260 < k
      for (int j = 260; j < k; j++) {
        for (int i = 0; i < p; i++) {
          y[i][j] = 3.0 * y[i][j - 200];
        }
      }
      INDArray r = Nd4j.create(DataType.DOUBLE, new long[] {k, k}, 'f');
      INDArray yArr = Dense.nd(y);
      INDArray before = yArr.dup();
      double[][] q = Dense.matrix(Factorizations.orthonormalize(yArr, r));
      double[][] rr = Dense.matrix(r);
      assertThat(yArr).isEqualTo(before); // input not modified
      double[][] qtq = Dense.mul(Dense.transpose(q), q);
      double orth = 0;
      for (int i = 0; i < k; i++) {
        qtq[i][i] -= 1;
        for (int j = 0; j < i; j++) {
          assertThat(rr[i][j]).as("R[%d][%d] below the diagonal", i, j).isZero();
        }
      }
      orth = Dense.frobenius(qtq);
      double[][] qr = Dense.mul(q, rr);
      double[][] diff = new double[p][k];
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < k; j++) {
          diff[i][j] = qr[i][j] - y[i][j];
        }
      }
      double rec = Dense.frobenius(diff) / Dense.frobenius(y);
      System.out.printf("QR %d x %d: ||Q^T Q - I||_F %.2e, ||QR - Y||_F / ||Y||_F %.2e%n", p, k,
          orth, rec);
      assertThat(orth).isLessThan(1e-12);
      assertThat(rec).isLessThan(1e-13);
    }
  }
}

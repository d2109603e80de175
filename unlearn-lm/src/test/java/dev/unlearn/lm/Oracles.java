package dev.unlearn.lm;

import static dev.unlearn.testkit.Numerics.arr;
import static dev.unlearn.testkit.Numerics.dot;
import static dev.unlearn.testkit.Numerics.gaussian;
import static dev.unlearn.testkit.Numerics.softmax;

import dev.unlearn.testkit.Numerics;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Seeded problems and plain-Java oracles (finite differences, dense algebra, a reference forward pass). */
final class Oracles {
  private Oracles() {}

  /** n random contexts of k ids in [0, vocab) (id 0, the start, included) and random next ids. */
  static Dataset randomExamples(long seed, int n, int k, int vocab) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] x = new double[n][k];
    int[] y = new int[n];
    int[] g = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        x[i][j] = rng.nextInt(vocab);
      }
      y[i] = rng.nextInt(vocab);
      g[i] = i % 5;
    }
    return Dataset.of(Nd4j.createFromArray(x), y, vocab, g);
  }



  static INDArray vec(double[] v) {
    return Nd4j.createFromArray(v.clone());
  }













  /**
   * An independent forward pass of the character n-gram model in plain Java (Math.tanh, loops):
   * the logits of the contexts under the flat parameters, layout [E, W1, b1, W2, b2].
   */
  static double[][] referenceLogits(double[] t, int vocab, int k, int e, int h, int[][] contexts) {
    int w1 = vocab * e;
    int b1 = w1 + k * e * h;
    int w2 = b1 + h;
    int b2 = w2 + h * vocab;
    double[][] out = new double[contexts.length][vocab];
    for (int i = 0; i < contexts.length; i++) {
      double[] xi = new double[k * e];
      for (int j = 0; j < k; j++) {
        for (int c = 0; c < e; c++) {
          xi[j * e + c] = t[contexts[i][j] * e + c];
        }
      }
      double[] ai = new double[h];
      for (int c = 0; c < h; c++) {
        double sum = t[b1 + c];
        for (int r = 0; r < k * e; r++) {
          sum += xi[r] * t[w1 + r * h + c];
        }
        ai[c] = Math.tanh(sum);
      }
      for (int c = 0; c < vocab; c++) {
        double sum = t[b2 + c];
        for (int r = 0; r < h; r++) {
          sum += ai[r] * t[w2 + r * vocab + c];
        }
        out[i][c] = sum;
      }
    }
    return out;
  }


  static int[][] contexts(Dataset data) {
    double[] f = arr(data.features());
    int k = data.numFeatures();
    int[][] c = new int[data.size()][k];
    for (int i = 0; i < c.length; i++) {
      for (int j = 0; j < k; j++) {
        c[i][j] = (int) f[i * k + j];
      }
    }
    return c;
  }
}

package dev.unlearn.core.lm;

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

  static double gaussian(SplittableRandom rng) {
    double u = rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
  }

  static double[] gaussianVector(long seed, int p, double scale) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] v = new double[p];
    for (int i = 0; i < p; i++) {
      v[i] = scale * gaussian(rng);
    }
    return v;
  }

  static INDArray vec(double[] v) {
    return Nd4j.createFromArray(v.clone());
  }

  static double[] arr(INDArray a) {
    return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }

  static double loss(Model m, double[] theta, Dataset data) {
    return m.loss(vec(theta), data);
  }

  static double[] gradient(Model m, double[] theta, Dataset data) {
    return arr(m.gradient(vec(theta), data));
  }

  static double[] fdGradient(Model m, double[] theta, Dataset data, double h) {
    double[] g = new double[theta.length];
    for (int q = 0; q < theta.length; q++) {
      double[] tp = theta.clone();
      double[] tm = theta.clone();
      tp[q] += h;
      tm[q] -= h;
      g[q] = (loss(m, tp, data) - loss(m, tm, data)) / (2 * h);
    }
    return g;
  }

  static double[] fdHvp(Model m, double[] theta, Dataset data, double[] v, double h) {
    double[] tp = theta.clone();
    double[] tm = theta.clone();
    for (int q = 0; q < theta.length; q++) {
      tp[q] += h * v[q];
      tm[q] -= h * v[q];
    }
    double[] gp = gradient(m, tp, data);
    double[] gm = gradient(m, tm, data);
    double[] out = new double[theta.length];
    for (int q = 0; q < out.length; q++) {
      out[q] = (gp[q] - gm[q]) / (2 * h);
    }
    return out;
  }

  /** Dense Hessian by central differences of the gradient, column q along e_q. */
  static double[][] fdHessian(Model m, double[] theta, Dataset data, double h) {
    int p = theta.length;
    double[][] cols = new double[p][];
    for (int q = 0; q < p; q++) {
      double[] e = new double[p];
      e[q] = 1;
      cols[q] = fdHvp(m, theta, data, e, h);
    }
    return transpose(cols);
  }

  static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }

  static double[] flatten(double[][] a) {
    double[] f = new double[a.length * a[0].length];
    for (int i = 0; i < a.length; i++) {
      System.arraycopy(a[i], 0, f, i * a[0].length, a[0].length);
    }
    return f;
  }

  static double[] matVec(double[][] a, double[] x) {
    double[] y = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      y[i] = dot(a[i], x);
    }
    return y;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double relErr(double[] a, double[] b) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      num += (a[i] - b[i]) * (a[i] - b[i]);
      den += b[i] * b[i];
    }
    return Math.sqrt(num / den);
  }

  static double relErr(double[][] a, double[][] b) {
    return relErr(flatten(a), flatten(b));
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

  static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] s = new double[z.length];
    for (int c = 0; c < z.length; c++) {
      s[c] = Math.exp(z[c] - max);
      sum += s[c];
    }
    for (int c = 0; c < z.length; c++) {
      s[c] /= sum;
    }
    return s;
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

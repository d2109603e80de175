package dev.unlearn.core.model;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Seeded small problems and plain-Java oracles (finite differences, dense algebra) for model tests. */
public final class Problems {
  private Problems() {}

  /** Gaussian features n x d and uniform labels in [0, k). */
  static Dataset data(long seed, int n, int d, int k) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] x = new double[n][d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i][j] = gaussian(rng);
      }
      y[i] = rng.nextInt(k);
    }
    return Dataset.of(Nd4j.createFromArray(x), y, k);
  }

  public static double gaussian(SplittableRandom rng) {
    double u = rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
  }

  public static double[] gaussianVector(long seed, int p, double scale) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] v = new double[p];
    for (int i = 0; i < p; i++) {
      v[i] = scale * gaussian(rng);
    }
    return v;
  }

  static INDArray vec(double[] v, DataType type) {
    return Nd4j.createFromArray(v).castTo(type);
  }

  public static double[] arr(INDArray a) {
    return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }

  /** Row-major p x r block from its columns. */
  static INDArray block(double[][] columns, DataType type) {
    int r = columns.length;
    int p = columns[0].length;
    double[][] m = new double[p][r];
    for (int j = 0; j < r; j++) {
      for (int q = 0; q < p; q++) {
        m[q][j] = columns[j][q];
      }
    }
    return Nd4j.createFromArray(m).castTo(type);
  }

  static double[] column(INDArray block, int j) {
    double[] all = arr(block);
    int r = (int) block.columns();
    double[] c = new double[(int) block.rows()];
    for (int q = 0; q < c.length; q++) {
      c[q] = all[q * r + j];
    }
    return c;
  }

  public static double loss(Model m, double[] theta, Dataset data) {
    return m.loss(vec(theta, m.dataType()), data);
  }

  public static double[] gradient(Model m, double[] theta, Dataset data) {
    return arr(m.gradient(vec(theta, m.dataType()), data));
  }

  /** Central differences of the loss, step h per coordinate. */
  public static double[] fdGradient(Model m, double[] theta, Dataset data, double h) {
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

  /** Central difference of the gradient along v. */
  public static double[] fdHvp(Model m, double[] theta, Dataset data, double[] v, double h) {
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

  /** Dense Hessian, column q = central difference of the gradient along e_q. */
  public static double[][] fdHessian(Model m, double[] theta, Dataset data, double h) {
    int p = theta.length;
    double[][] hess = new double[p][];
    for (int q = 0; q < p; q++) {
      double[] e = new double[p];
      e[q] = 1;
      hess[q] = fdHvp(m, theta, data, e, h); // column q, stored as row q
    }
    return transpose(hess);
  }

  public static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }

  public static double[] flatten(double[][] a) {
    double[] f = new double[a.length * a[0].length];
    for (int i = 0; i < a.length; i++) {
      System.arraycopy(a[i], 0, f, i * a[0].length, a[0].length);
    }
    return f;
  }

  public static double[] matVec(double[][] a, double[] x) {
    double[] y = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      double s = 0;
      for (int j = 0; j < x.length; j++) {
        s += a[i][j] * x[j];
      }
      y[i] = s;
    }
    return y;
  }

  public static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  public static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  /** ||a - b|| / ||b||. */
  public static double relErr(double[] a, double[] b) {
    double num = 0;
    for (int i = 0; i < a.length; i++) {
      num += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(num) / norm(b);
  }

  public static double relErr(double[][] a, double[][] b) {
    return relErr(flatten(a), flatten(b));
  }

  /**
   * An independent forward pass in plain Java (Math.tanh, the textbook GELU formula): the logits of
   * x under the flat parameters theta for layer sizes s; act null for no hidden layer.
   */
  static double[][] referenceLogits(double[] theta, int[] s, Activation act, double[][] x) {
    double[][] in = x;
    int off = 0;
    for (int l = 1; l < s.length; l++) {
      int rows = s[l - 1];
      int cols = s[l];
      int bOff = off + rows * cols;
      double[][] z = new double[in.length][cols];
      for (int i = 0; i < in.length; i++) {
        for (int c = 0; c < cols; c++) {
          double sum = theta[bOff + c];
          for (int a = 0; a < rows; a++) {
            sum += in[i][a] * theta[off + a * cols + c];
          }
          z[i][c] = l < s.length - 1 ? referenceActivation(act, sum) : sum;
        }
      }
      in = z;
      off = bOff + cols;
    }
    return in;
  }

  static double referenceActivation(Activation act, double x) {
    switch (act) {
      case TANH:
        return Math.tanh(x);
      case RELU:
        return Math.max(0, x);
      default:
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }
  }

  static double[][] features(Dataset data) {
    double[] f = arr(data.features());
    int d = data.numFeatures();
    double[][] x = new double[data.size()][d];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(f, i * d, x[i], 0, d);
    }
    return x;
  }

  /** Softmax of one row, by the textbook formula with the max subtracted. */
  public static double[] softmax(double[] z) {
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
}

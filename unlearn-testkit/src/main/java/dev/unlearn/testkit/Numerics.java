package dev.unlearn.testkit;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Plain-Java oracles for model and solver tests: seeded Gaussian data, central finite differences
 * of a {@link Model}'s loss and gradient, a dense finite-difference Hessian, and the small dense
 * algebra (dot, norm, transpose, mat-vec, softmax, relative error) to compare against. Everything
 * is float64 on {@code double[]} so that it shares no code with the model under test.
 *
 * <pre>{@code
 * double[] g = Numerics.gradient(model, theta, data);
 * double err = Numerics.relErr(g, Numerics.fdGradient(model, theta, data, 1e-5));
 * }</pre>
 *
 * NaN propagates through every helper; {@link #relErr(double[], double[])} of a zero reference is
 * infinite or NaN.
 */
public final class Numerics {
  private Numerics() {}

  /** Gaussian features n x d (Box-Muller on {@code seed}) and uniform labels in [0, k). */
  public static Dataset gaussianData(long seed, int n, int d, int k) {
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

  /** One standard normal draw (Box-Muller). */
  public static double gaussian(SplittableRandom rng) {
    double u = rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
  }

  /** p independent N(0, scale^2) draws from {@code seed}. */
  public static double[] gaussianVector(long seed, int p, double scale) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] v = new double[p];
    for (int i = 0; i < p; i++) {
      v[i] = scale * gaussian(rng);
    }
    return v;
  }

  /** A vector of the given data type. */
  public static INDArray vec(double[] v, DataType type) {
    return Nd4j.createFromArray(v).castTo(type);
  }

  /** The elements of {@code a} in row-major order, as float64. */
  public static double[] arr(INDArray a) {
    return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }

  /** Row-major p x r block from its columns. */
  public static INDArray block(double[][] columns, DataType type) {
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

  /** Column j of a p x r block. */
  public static double[] column(INDArray block, int j) {
    double[] all = arr(block);
    int r = (int) block.columns();
    double[] c = new double[(int) block.rows()];
    for (int q = 0; q < c.length; q++) {
      c[q] = all[q * r + j];
    }
    return c;
  }

  /** The model's objective at theta. */
  public static double loss(Model m, double[] theta, Dataset data) {
    return m.loss(vec(theta, m.dataType()), data);
  }

  /** The model's gradient at theta. */
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

  /** Frobenius ||a - b|| / ||b||. */
  public static double relErr(double[][] a, double[][] b) {
    return relErr(flatten(a), flatten(b));
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

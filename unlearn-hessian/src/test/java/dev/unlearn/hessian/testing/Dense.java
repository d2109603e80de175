package dev.unlearn.hessian.testing;

import dev.unlearn.testkit.Numerics;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dense oracles on double[][] written independently of the code under test; the ones shared with
 * every module (mat-vec, transpose, norm) are the testkit's {@link Numerics}.
 */
public final class Dense {
  private Dense() {}

  public static INDArray nd(double[][] a) {
    return Nd4j.createFromArray(a).castTo(DataType.DOUBLE);
  }

  public static INDArray nd(double[] a) {
    return Nd4j.createFromArray(a.clone());
  }

  public static double[][] matrix(INDArray a) {
    return a.castTo(DataType.DOUBLE).toDoubleMatrix();
  }

  public static double[] vector(INDArray a) {
    return a.castTo(DataType.DOUBLE).reshape(a.length()).toDoubleVector();
  }

  public static double[] mul(double[][] a, double[] x) {
    return Numerics.matVec(a, x);
  }

  public static double[][] mul(double[][] a, double[][] b) {
    int n = a.length;
    int m = b[0].length;
    int k = b.length;
    double[][] c = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int l = 0; l < k; l++) {
        double x = a[i][l];
        for (int j = 0; j < m; j++) {
          c[i][j] += x * b[l][j];
        }
      }
    }
    return c;
  }

  public static double[][] transpose(double[][] a) {
    return Numerics.transpose(a);
  }

  public static double norm(double[] x) {
    return Numerics.norm(x);
  }

  public static double frobenius(double[][] a) {
    double s = 0;
    for (double[] row : a) {
      for (double v : row) {
        s += v * v;
      }
    }
    return Math.sqrt(s);
  }

  /** ||A x - b|| / ||b||. */
  public static double relativeResidual(double[][] a, double[] x, double[] b) {
    double[] ax = mul(a, x);
    double[] r = new double[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = ax[i] - b[i];
    }
    return norm(r) / norm(b);
  }

  /** Solves A x = b by Gaussian elimination with partial pivoting. */
  public static double[] solve(double[][] a0, double[] b0) {
    int n = b0.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = a0[i].clone();
    }
    double[] b = b0.clone();
    for (int c = 0; c < n; c++) {
      int piv = c;
      for (int i = c + 1; i < n; i++) {
        if (Math.abs(a[i][c]) > Math.abs(a[piv][c])) {
          piv = i;
        }
      }
      double[] t = a[c];
      a[c] = a[piv];
      a[piv] = t;
      double tb = b[c];
      b[c] = b[piv];
      b[piv] = tb;
      for (int i = c + 1; i < n; i++) {
        double f = a[i][c] / a[c][c];
        if (f == 0) {
          continue;
        }
        for (int j = c; j < n; j++) {
          a[i][j] -= f * a[c][j];
        }
        b[i] -= f * b[c];
      }
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = b[i];
      for (int j = i + 1; j < n; j++) {
        s -= a[i][j] * x[j];
      }
      x[i] = s / a[i][i];
    }
    return x;
  }

  /**
   * The eigendecomposition of a symmetric matrix by cyclic Jacobi rotations: {@code values[i]} with
   * eigenvector {@code vectors[.][i]} (unsorted).
   */
  public record Eigen(double[] values, double[][] vectors) {}

  public static Eigen symmetricEigen(double[][] a0) {
    int n = a0.length;
    double[][] a = new double[n][];
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      a[i] = a0[i].clone();
      v[i][i] = 1;
    }
    double scale = frobenius(a0) * frobenius(a0);
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          off += a[i][j] * a[i][j];
        }
      }
      if (off < 1e-30 * scale) {
        break;
      }
      for (int p = 0; p < n - 1; p++) {
        for (int q = p + 1; q < n; q++) {
          if (a[p][q] == 0) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          rotateColumns(a, p, q, c, s);
          for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
          rotateColumns(v, p, q, c, s);
        }
      }
    }
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = a[i][i];
    }
    return new Eigen(values, v);
  }

  private static void rotateColumns(double[][] m, int p, int q, double c, double s) {
    for (double[] row : m) {
      double mp = row[p];
      double mq = row[q];
      row[p] = c * mp - s * mq;
      row[q] = s * mp + c * mq;
    }
  }

  /** The eigenvalues of a symmetric matrix, descending. */
  public static double[] eigenvalues(double[][] a0) {
    double[] ev = symmetricEigen(a0).values();
    int n = ev.length;
    java.util.Arrays.sort(ev);
    for (int i = 0; i < n / 2; i++) {
      double t = ev[i];
      ev[i] = ev[n - 1 - i];
      ev[n - 1 - i] = t;
    }
    return ev;
  }

  /** A<sup>a</sup> of a symmetric positive definite matrix, from its eigendecomposition. */
  public static double[][] power(double[][] f, double a) {
    Eigen e = symmetricEigen(f);
    int n = f.length;
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int k = 0; k < n; k++) {
          sum += e.vectors()[i][k] * Math.pow(e.values()[k], a) * e.vectors()[j][k];
        }
        out[i][j] = sum;
      }
    }
    return out;
  }

  /** A random orthogonal n x n matrix (modified Gram-Schmidt on a Gaussian matrix, twice). */
  public static double[][] randomOrthogonal(int n, SplittableRandom rng) {
    double[][] q = new double[n][n]; // columns q[j]
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) {
        q[j][i] = rng.nextGaussian();
      }
      for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < j; k++) {
          double d = 0;
          for (int i = 0; i < n; i++) {
            d += q[k][i] * q[j][i];
          }
          for (int i = 0; i < n; i++) {
            q[j][i] -= d * q[k][i];
          }
        }
      }
      double nn = norm(q[j]);
      for (int i = 0; i < n; i++) {
        q[j][i] /= nn;
      }
    }
    return transpose(q); // row i, column j
  }

  /** Q diag(eigs) Q^T with Q random orthogonal, symmetrised exactly. */
  public static double[][] withSpectrum(double[] eigs, SplittableRandom rng) {
    int n = eigs.length;
    double[][] q = randomOrthogonal(n, rng);
    double[][] qd = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        qd[i][j] = q[i][j] * eigs[j];
      }
    }
    double[][] a = mul(qd, transpose(q));
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double m = 0.5 * (a[i][j] + a[j][i]);
        a[i][j] = m;
        a[j][i] = m;
      }
    }
    return a;
  }

  public static double[][] gaussian(int rows, int cols, SplittableRandom rng) {
    double[][] g = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        g[i][j] = rng.nextGaussian();
      }
    }
    return g;
  }

  public static double[] gaussian(int n, SplittableRandom rng) {
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      g[i] = rng.nextGaussian();
    }
    return g;
  }

  /** A random SPD matrix G G^T / n + shift I. */
  public static double[][] randomSpd(int n, double shift, SplittableRandom rng) {
    double[][] g = gaussian(n, n, rng);
    double[][] a = mul(g, transpose(g));
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i][j] /= n;
      }
      a[i][i] += shift;
    }
    return a;
  }
}

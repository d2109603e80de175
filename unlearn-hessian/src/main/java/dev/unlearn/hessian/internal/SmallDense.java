package dev.unlearn.hessian.internal;

/**
 * Small dense linear algebra on plain {@code double[]} arrays (row-major unless stated): the
 * routines the Krylov and sketching methods need on their r &times; r projected matrices.
 */
public final class SmallDense {
  private SmallDense() {}

  /**
   * Eigen-decomposition of a symmetric tridiagonal matrix by the implicit QL method (the EISPACK
   * {@code tql2} routine as in JAMA).
   *
   * @param diag the n diagonal entries (not modified)
   * @param off the n &minus; 1 off-diagonal entries, off[i] coupling i and i + 1 (not modified)
   * @param eigenvalues out: the n eigenvalues in ascending order
   * @param vectors out: n &times; n row-major, column j the unit eigenvector of eigenvalue j
   */
  public static void tridiagonalEigen(double[] diag, double[] off, double[] eigenvalues,
      double[] vectors) {
    int n = diag.length;
    double[] d = eigenvalues;
    System.arraycopy(diag, 0, d, 0, n);
    double[] e = new double[n];
    if (n > 1) {
      System.arraycopy(off, 0, e, 0, n - 1);
    }
    double[] v = vectors;
    java.util.Arrays.fill(v, 0, n * n, 0.0);
    for (int i = 0; i < n; i++) {
      v[i * n + i] = 1.0;
    }
    double f = 0.0;
    double tst1 = 0.0;
    double eps = Math.ulp(1.0);
    for (int l = 0; l < n; l++) {
      tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
      int m = l;
      while (m < n) {
        if (Math.abs(e[m]) <= eps * tst1) {
          break;
        }
        m++;
      }
      if (m == n) {
        m = n - 1;
      }
      if (m > l) {
        int iter = 0;
        do {
          if (++iter > 100) {
            throw new IllegalStateException("tridiagonal QL did not converge");
          }
          double g = d[l];
          double p = (d[l + 1] - g) / (2.0 * e[l]);
          double r = Math.hypot(p, 1.0);
          if (p < 0) {
            r = -r;
          }
          d[l] = e[l] / (p + r);
          d[l + 1] = e[l] * (p + r);
          double dl1 = d[l + 1];
          double h = g - d[l];
          for (int i = l + 2; i < n; i++) {
            d[i] -= h;
          }
          f += h;
          p = d[m];
          double c = 1.0;
          double c2 = c;
          double c3 = c;
          double el1 = e[l + 1];
          double s = 0.0;
          double s2 = 0.0;
          for (int i = m - 1; i >= l; i--) {
            c3 = c2;
            c2 = c;
            s2 = s;
            g = c * e[i];
            h = c * p;
            r = Math.hypot(p, e[i]);
            e[i + 1] = s * r;
            s = e[i] / r;
            c = p / r;
            p = c * d[i] - s * g;
            d[i + 1] = h + s * (c * g + s * d[i]);
            for (int k = 0; k < n; k++) {
              h = v[k * n + i + 1];
              v[k * n + i + 1] = s * v[k * n + i] + c * h;
              v[k * n + i] = c * v[k * n + i] - s * h;
            }
          }
          p = -s * s2 * c3 * el1 * e[l] / dl1;
          e[l] = s * p;
          d[l] = c * p;
        } while (Math.abs(e[l]) > eps * tst1);
      }
      d[l] = d[l] + f;
      e[l] = 0.0;
    }
    // selection sort, ascending, with the vectors
    for (int i = 0; i < n - 1; i++) {
      int k = i;
      double p = d[i];
      for (int j = i + 1; j < n; j++) {
        if (d[j] < p) {
          k = j;
          p = d[j];
        }
      }
      if (k != i) {
        d[k] = d[i];
        d[i] = p;
        for (int j = 0; j < n; j++) {
          double t = v[j * n + i];
          v[j * n + i] = v[j * n + k];
          v[j * n + k] = t;
        }
      }
    }
  }

  /**
   * Cholesky factor L (lower, row-major) of a symmetric positive definite n &times; n matrix.
   *
   * @return L, or null when a pivot is not positive (the matrix is not positive definite)
   */
  public static double[] cholesky(double[] a, int n) {
    double[] l = new double[n * n];
    for (int j = 0; j < n; j++) {
      double s = a[j * n + j];
      for (int k = 0; k < j; k++) {
        s -= l[j * n + k] * l[j * n + k];
      }
      if (!(s > 0)) {
        return null;
      }
      double ljj = Math.sqrt(s);
      l[j * n + j] = ljj;
      for (int i = j + 1; i < n; i++) {
        double t = 0.5 * (a[i * n + j] + a[j * n + i]);
        for (int k = 0; k < j; k++) {
          t -= l[i * n + k] * l[j * n + k];
        }
        l[i * n + j] = t / ljj;
      }
    }
    return l;
  }

  /** The inverse of a lower triangular n &times; n matrix (row-major), itself lower triangular. */
  public static double[] lowerInverse(double[] l, int n) {
    double[] x = new double[n * n];
    for (int c = 0; c < n; c++) {
      // solve L x = e_c, x[i] = 0 for i < c
      x[c * n + c] = 1.0 / l[c * n + c];
      for (int i = c + 1; i < n; i++) {
        double s = 0;
        for (int k = c; k < i; k++) {
          s += l[i * n + k] * x[k * n + c];
        }
        x[i * n + c] = -s / l[i * n + i];
      }
    }
    return x;
  }

  /**
   * Singular value decomposition of a square n &times; n matrix by one-sided Jacobi rotations
   * (Hestenes): A = U diag(s) V<sup>T</sup>, singular values in descending order.
   *
   * @param a row-major, not modified
   * @param s out: n singular values, descending
   * @param u out: n &times; n row-major left singular vectors (columns); a column whose singular
   *     value is zero is left zero
   */
  public static void jacobiSvd(double[] a, int n, double[] s, double[] u) {
    // work on columns: w[j] is column j of A
    double[][] w = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        w[j][i] = a[i * n + j];
      }
    }
    double eps = Math.ulp(1.0);
    for (int sweep = 0; sweep < 60; sweep++) {
      boolean rotated = false;
      for (int i = 0; i < n - 1; i++) {
        for (int j = i + 1; j < n; j++) {
          double alpha = 0;
          double beta = 0;
          double gamma = 0;
          double[] wi = w[i];
          double[] wj = w[j];
          for (int k = 0; k < n; k++) {
            alpha += wi[k] * wi[k];
            beta += wj[k] * wj[k];
            gamma += wi[k] * wj[k];
          }
          if (Math.abs(gamma) <= eps * Math.sqrt(alpha * beta) || gamma == 0) {
            continue;
          }
          rotated = true;
          double zeta = (beta - alpha) / (2 * gamma);
          double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
          if (zeta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(1 + t * t);
          double sn = c * t;
          for (int k = 0; k < n; k++) {
            double x = wi[k];
            double y = wj[k];
            wi[k] = c * x - sn * y;
            wj[k] = sn * x + c * y;
          }
        }
      }
      if (!rotated) {
        break;
      }
    }
    Integer[] order = new Integer[n];
    double[] norms = new double[n];
    for (int j = 0; j < n; j++) {
      double q = 0;
      for (int k = 0; k < n; k++) {
        q += w[j][k] * w[j][k];
      }
      norms[j] = Math.sqrt(q);
      order[j] = j;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(norms[y], norms[x]));
    java.util.Arrays.fill(u, 0, n * n, 0.0);
    for (int c = 0; c < n; c++) {
      int j = order[c];
      s[c] = norms[j];
      if (norms[j] > 0) {
        for (int k = 0; k < n; k++) {
          u[k * n + c] = w[j][k] / norms[j];
        }
      }
    }
  }
}

package dev.unlearn.core.model;

import java.nio.DoubleBuffer;
import java.nio.IntBuffer;

/**
 * The fused element-wise loops of {@link NetworkPoint} over float64 buffers (offset 0, row-major).
 * {@code Kernels32} is generated from this file by replacing {@code DoubleBuffer} with
 * {@code FloatBuffer} and {@code Kernels64} with {@code Kernels32} (see {@code gen-kernels32.sh});
 * edit this file and regenerate. Arithmetic is in double; sums accumulate in double.
 *
 * <p>Layouts: a block of r direction vectors is processed as a stacked batch whose row
 * {@code i * r + j} belongs to example i and direction j; a p &times; r block V stores parameter
 * q of direction j at {@code q * r + j}.
 */
final class Kernels64 {
  private Kernels64() {}

  private static void put(DoubleBuffer b, int i, double v) {
    b.put(i, /*CAST*/ v);
  }

  /**
   * z += bias (row-wise); a = f(z); f1 = f'(z). z, a, f1 are n x h; bias is scratch of length
   * &ge; h (the bias copied out of theta, so that the loop reads an array). One loop per
   * activation (a switch inside the element loop costs more than the float32 tanh itself).
   */
  static void activate(Activation act, DoubleBuffer z, DoubleBuffer theta, int bOff, int n, int h,
      DoubleBuffer a, DoubleBuffer f1, double[] bias) {
    for (int c = 0; c < h; c++) {
      bias[c] = theta.get(bOff + c);
    }
    int len = n * h;
    switch (act) {
      case TANH:
        for (int row = 0; row < len; row += h) {
          for (int c = 0; c < h; c++) {
            int q = row + c;
            double x = z.get(q) + bias[c];
            put(z, q, x);
            double t = Activation.tanh(x);
            put(a, q, t);
            put(f1, q, 1 - t * t);
          }
        }
        break;
      case RELU:
        for (int row = 0; row < len; row += h) {
          for (int c = 0; c < h; c++) {
            int q = row + c;
            double x = z.get(q) + bias[c];
            put(z, q, x);
            boolean pos = x > 0;
            put(a, q, pos ? x : (x <= 0 ? 0.0 : x));
            put(f1, q, pos ? 1.0 : (x <= 0 ? 0.0 : x));
          }
        }
        break;
      default:
        for (int row = 0; row < len; row += h) {
          for (int c = 0; c < h; c++) {
            int q = row + c;
            double x = z.get(q) + bias[c];
            put(z, q, x);
            double x2 = x * x;
            double t = Activation.tanh(Activation.GELU_C * (x + Activation.GELU_K * x2 * x));
            put(a, q, 0.5 * x * (1 + t));
            put(f1, q, 0.5 * (1 + t)
                + 0.5 * x * (1 - t * t) * Activation.GELU_C * (1 + 3 * Activation.GELU_K * x2));
          }
        }
    }
  }

  /** z += bias (row-wise), z n x h. */
  static void addBias(DoubleBuffer z, DoubleBuffer theta, int bOff, int n, int h) {
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < h; c++) {
        int q = i * h + c;
        put(z, q, z.get(q) + theta.get(bOff + c));
      }
    }
  }

  /**
   * z += bias; s = softmax(z) with the row maximum subtracted; losses[i] = logsumexp(z_i) - z_iy;
   * d = (s - onehot(y)) * invN. All n x k.
   */
  static void softmax(DoubleBuffer z, DoubleBuffer theta, int bOff, int n, int k, IntBuffer labels,
      DoubleBuffer s, DoubleBuffer d, double[] losses, double invN) {
    for (int i = 0; i < n; i++) {
      int row = i * k;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double x = z.get(row + c) + theta.get(bOff + c);
        put(z, row + c, x);
        max = Math.max(max, x);
      }
      double sum = 0;
      for (int c = 0; c < k; c++) {
        double ex = Math.exp(z.get(row + c) - max);
        put(s, row + c, ex);
        sum += ex;
      }
      int y = labels.get(i);
      losses[i] = max + Math.log(sum) - z.get(row + y);
      double inv = 1.0 / sum;
      for (int c = 0; c < k; c++) {
        double sc = s.get(row + c) * inv;
        put(s, row + c, sc);
        put(d, row + c, (sc - (c == y ? 1.0 : 0.0)) * invN);
      }
    }
  }

  /** out[off + c] = sum_i m[i][c], accumulated in double in acc (length >= cols); m is rows x cols. */
  static void colSums(DoubleBuffer m, int rows, int cols, DoubleBuffer out, int off, double[] acc) {
    java.util.Arrays.fill(acc, 0, cols, 0.0);
    for (int i = 0; i < rows; i++) {
      int row = i * cols;
      for (int c = 0; c < cols; c++) {
        acc[c] += m.get(row + c);
      }
    }
    for (int c = 0; c < cols; c++) {
      put(out, off + c, acc[c]);
    }
  }

  /** out = x * y element-wise (len elements). */
  static void mul(DoubleBuffer x, DoubleBuffer y, DoubleBuffer out, int len) {
    for (int q = 0; q < len; q++) {
      put(out, q, x.get(q) * y.get(q));
    }
  }

  /** c = e * f''(z): the second-order term of the backward R-pass. */
  static void curvature(Activation act, DoubleBuffer e, DoubleBuffer z, DoubleBuffer a,
      DoubleBuffer f1, int len, DoubleBuffer c) {
    if (act == Activation.TANH) {
      for (int q = 0; q < len; q++) {
        put(c, q, -2.0 * e.get(q) * a.get(q) * f1.get(q));
      }
    } else {
      for (int q = 0; q < len; q++) {
        put(c, q, e.get(q) * Activation.geluSecond(z.get(q)));
      }
    }
  }

  /** R-forward through an activation: rz += vb_j; ra = f1_i * rz. rz, ra (n r) x h; f1 n x h. */
  static void rActivate(DoubleBuffer rz, DoubleBuffer v, int bOff, int r, int n, int h,
      DoubleBuffer f1, DoubleBuffer ra) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < r; j++) {
        int row = (i * r + j) * h;
        for (int c = 0; c < h; c++) {
          double x = rz.get(row + c) + v.get((bOff + c) * r + j);
          put(rz, row + c, x);
          put(ra, row + c, f1.get(i * h + c) * x);
        }
      }
    }
  }

  /**
   * R-pass through softmax cross-entropy: rz += vb_j; rd = (diag s - s s^T) rz * invN. rz, rd are
   * (n r) x k, s is n x k.
   */
  static void rSoftmax(DoubleBuffer rz, DoubleBuffer v, int bOff, int r, int n, int k,
      DoubleBuffer s, DoubleBuffer rd, double invN) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < r; j++) {
        int row = (i * r + j) * k;
        double dot = 0;
        for (int c = 0; c < k; c++) {
          double x = rz.get(row + c) + v.get((bOff + c) * r + j);
          put(rz, row + c, x);
          dot += s.get(i * k + c) * x;
        }
        for (int c = 0; c < k; c++) {
          double sc = s.get(i * k + c);
          put(rd, row + c, sc * (rz.get(row + c) - dot) * invN);
        }
      }
    }
  }

  /**
   * R-backward through an activation, in place: rd = rd * f1_i + c_i * rz (c null: no
   * second-order term). rd, rz are (n r) x h; f1, c are n x h.
   */
  static void rBackward(DoubleBuffer rd, DoubleBuffer f1, DoubleBuffer c, DoubleBuffer rz,
      int n, int r, int h) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < r; j++) {
        int row = (i * r + j) * h;
        if (c == null) {
          for (int u = 0; u < h; u++) {
            put(rd, row + u, rd.get(row + u) * f1.get(i * h + u));
          }
        } else {
          for (int u = 0; u < h; u++) {
            put(rd, row + u, rd.get(row + u) * f1.get(i * h + u) + c.get(i * h + u) * rz.get(row + u));
          }
        }
      }
    }
  }

  /**
   * Gathers the weight block (rows x cols at parameter offset off) of the r directions in v:
   * vp1[a][j][c] (rows x r*cols) and, unless null, vp2[c][j][a] (cols x r*rows).
   */
  static void gatherWeights(DoubleBuffer v, int r, int off, int rows, int cols, DoubleBuffer vp1,
      DoubleBuffer vp2) {
    for (int a = 0; a < rows; a++) {
      for (int c = 0; c < cols; c++) {
        int src = (off + a * cols + c) * r;
        for (int j = 0; j < r; j++) {
          double x = v.get(src + j);
          put(vp1, a * r * cols + j * cols + c, x);
          if (vp2 != null) {
            put(vp2, c * r * rows + j * rows + a, x);
          }
        }
      }
    }
  }

  /**
   * Scatters a weight block back: out[(off + a cols + c) r + j] = g1[a][j][c] + g2[j][a][c] + l2 *
   * v[same] (g2 may be null).
   */
  static void scatterWeights(DoubleBuffer out, DoubleBuffer v, double l2, int r, int off,
      int rows, int cols, DoubleBuffer g1, DoubleBuffer g2) {
    for (int a = 0; a < rows; a++) {
      for (int c = 0; c < cols; c++) {
        int dst = (off + a * cols + c) * r;
        for (int j = 0; j < r; j++) {
          double x = g1.get(a * r * cols + j * cols + c) + l2 * v.get(dst + j);
          if (g2 != null) {
            x += g2.get(j * rows * cols + a * cols + c);
          }
          put(out, dst + j, x);
        }
      }
    }
  }

  /** Scatters a bias block back: out[(off + c) r + j] = gb[j][c] + l2 * v[same]. */
  static void scatterBias(DoubleBuffer out, DoubleBuffer v, double l2, int r, int off, int h,
      DoubleBuffer gb) {
    for (int c = 0; c < h; c++) {
      for (int j = 0; j < r; j++) {
        int dst = (off + c) * r + j;
        put(out, dst, gb.get(j * h + c) + l2 * v.get(dst));
      }
    }
  }

  /** y += alpha x (len elements). */
  static void addScaled(DoubleBuffer y, DoubleBuffer x, double alpha, int len) {
    if (alpha == 0) {
      return;
    }
    for (int q = 0; q < len; q++) {
      put(y, q, y.get(q) + alpha * x.get(q));
    }
  }

  /**
   * Per-example gradients of one layer into out (n x p): row i gets scale * outer(aPrev_i, d_i) at
   * wOff and scale * d_i at bOff. aPrev is n x rows starting at aBase; d is n x cols.
   */
  static void perExample(DoubleBuffer aPrev, int aBase, int rows, DoubleBuffer d, int cols, int n,
      DoubleBuffer out, int p, int wOff, int bOff, double scale) {
    for (int i = 0; i < n; i++) {
      int dRow = i * cols;
      long base = (long) i * p;
      for (int a = 0; a < rows; a++) {
        double x = scale * aPrev.get(aBase + i * rows + a);
        int dst = (int) (base + wOff + (long) a * cols);
        for (int c = 0; c < cols; c++) {
          put(out, dst + c, x * d.get(dRow + c));
        }
      }
      int dst = (int) (base + bOff);
      for (int c = 0; c < cols; c++) {
        put(out, dst + c, scale * d.get(dRow + c));
      }
    }
  }

  /** The sum of squares, accumulated in double. */
  static double sumSquares(DoubleBuffer x, int len) {
    double s = 0;
    for (int q = 0; q < len; q++) {
      double v = x.get(q);
      s += v * v;
    }
    return s;
  }

  /** The index of the first non-finite element, or -1. */
  static int firstNonFinite(DoubleBuffer x, int len) {
    for (int q = 0; q < len; q++) {
      if (!Double.isFinite(x.get(q))) {
        return q;
      }
    }
    return -1;
  }
}

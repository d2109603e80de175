package dev.unlearn.core.model;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * The element-wise float32 loops that dominate a float32 product (the tanh layer and the softmax
 * head of the forward pass, the backward pass, the single-direction R-pass), on per-thread
 * float[] chunks (bulk copies in and out) so that the JIT vectorises them: it does not vectorise
 * loops over buffer views, which is how {@link Kernels32} is written, nor a loop that indexes two
 * arrays differently (hence the tiled bias). Same results as {@link Kernels32} up to float
 * rounding (the arithmetic here is in float where Kernels32 rounds a double result; products of
 * two floats are exact either way); reductions accumulate in double. Single directions only
 * (r = 1) for the R-pass loops; blocks keep {@link Kernels32}.
 */
final class FloatLoops {
  private static final int CHUNK = 8192;
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[4][CHUNK]);

  private FloatLoops() {}

  private static float[][] scratch(int width) {
    float[][] s = SCRATCH.get();
    if (s[0].length < width) { // rows wider than a chunk: chunks of one row
      s = new float[][] {new float[width], new float[width], new float[width], new float[width]};
      SCRATCH.set(s);
    }
    return s;
  }

  /**
   * Fills tile with the h values of src from off, repeated for rows rows, so that a chunk's
   * row-wise bias addition is x[q] += tile[q]: one index into both arrays, which the JIT
   * vectorises (it leaves x[base + c] += bias[c] scalar).
   */
  private static void tileBias(FloatBuffer src, int off, int h, float[] tile, int rows) {
    src.get(off, tile, 0, h);
    for (int r = 1; r < rows; r++) {
      System.arraycopy(tile, 0, tile, r * h, h);
    }
  }

  /**
   * The float32 tanh layer: z += bias (row-wise), a = tanh(z), f1 = 1 &minus; a&sup2; ({@link
   * FloatMath#tanh}); z, a, f1 are n &times; h row-major from offset 0. What {@link
   * Kernels32#activate} does for {@link Activation#TANH}.
   */
  static void activateTanh(FloatBuffer z, FloatBuffer theta, int bOff, int n, int h, FloatBuffer a,
      FloatBuffer f1) {
    float[][] s = scratch(h);
    float[] x = s[0];
    float[] t = s[1];
    float[] d = s[2];
    float[] bias = s[3];
    int rowsPer = x.length / h;
    tileBias(theta, bOff, h, bias, Math.min(rowsPer, n));
    for (int row = 0; row < n; row += rowsPer) {
      int rows = Math.min(rowsPer, n - row);
      int count = rows * h;
      int start = row * h;
      z.get(start, x, 0, count);
      for (int q = 0; q < count; q++) {
        x[q] += bias[q];
      }
      FloatMath.tanh(x, t, d, count);
      z.put(start, x, 0, count);
      a.put(start, t, 0, count);
      f1.put(start, d, 0, count);
    }
  }

  /**
   * z += bias; s = softmax(z); losses[i] = logsumexp(z_i) &minus; z_iy; d = (s &minus; onehot(y))
   * &middot; invN; z, s, d are n &times; k row-major. What {@link Kernels32#softmax} computes, but in
   * float where it works in double (the bias addition, the max and the shift are float here) and
   * with {@link FloatMath#exp} for {@link Math#exp}: each probability within a few ulp of it (the
   * bounds are in {@code FloatMathTest}); p and the logit gradients are rounded once from double
   * as there. Kernels32's is not called for float32 (with the same exp it measured 190 against
   * this one's 130 &micro;s on the digits head, before the exp was vectorised).
   */
  static void softmax(FloatBuffer z, FloatBuffer theta, int bOff, int n, int k, IntBuffer labels,
      FloatBuffer s, FloatBuffer d, double[] losses, double invN) {
    float[][] sc = scratch(k);
    float[] x = sc[0]; // logits
    float[] e = sc[1]; // shifted logits, then their exponentials, then the probabilities
    float[] g = sc[2]; // the logit gradients
    float[] bias = sc[3];
    theta.get(bOff, bias, 0, k);
    int rowsPer = x.length / k;
    for (int row = 0; row < n; row += rowsPer) {
      int rows = Math.min(rowsPer, n - row);
      int count = rows * k;
      int start = row * k;
      z.get(start, x, 0, count);
      for (int r = 0; r < rows; r++) {
        int base = r * k;
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          float v = x[base + c] + bias[c];
          x[base + c] = v;
          max = Math.max(max, v);
        }
        for (int c = 0; c < k; c++) {
          e[base + c] = x[base + c] - max;
        }
        losses[row + r] = (double) max - x[base + labels.get(row + r)]; // + log(sum) below
      }
      z.put(start, x, 0, count);
      FloatMath.exp(e, g, count); // g is free until the gradients below
      for (int r = 0; r < rows; r++) {
        int base = r * k;
        double sum = 0;
        for (int c = 0; c < k; c++) {
          sum += e[base + c];
        }
        losses[row + r] += Math.log(sum);
        double inv = 1.0 / sum; // p and its gradient rounded once from double, like Kernels32
        int y = base + labels.get(row + r);
        double py = e[y] * inv;
        for (int c = base; c < base + k; c++) { // no branch on the label inside
          double p = e[c] * inv;
          e[c] = (float) p;
          g[c] = (float) (p * invN);
        }
        g[y] = (float) ((py - 1.0) * invN);
      }
      s.put(start, e, 0, count);
      d.put(start, g, 0, count);
    }
  }

  /** out = x * y element-wise (len elements). */
  static void mul(FloatBuffer x, FloatBuffer y, FloatBuffer out, int len) {
    float[][] s = scratch(1);
    float[] a = s[0];
    float[] b = s[1];
    for (int from = 0; from < len; from += a.length) {
      int m = Math.min(a.length, len - from);
      x.get(from, a, 0, m);
      y.get(from, b, 0, m);
      for (int q = 0; q < m; q++) {
        a[q] *= b[q];
      }
      out.put(from, a, 0, m);
    }
  }

  /** c = e * tanh''(z) = &minus;2 e a f1 (tanh only). */
  static void curvatureTanh(FloatBuffer e, FloatBuffer a, FloatBuffer f1, int len, FloatBuffer c) {
    float[][] s = scratch(1);
    float[] x = s[0];
    float[] y = s[1];
    float[] w = s[2];
    for (int from = 0; from < len; from += x.length) {
      int m = Math.min(x.length, len - from);
      e.get(from, x, 0, m);
      a.get(from, y, 0, m);
      f1.get(from, w, 0, m);
      for (int q = 0; q < m; q++) {
        x[q] = -2.0f * x[q] * y[q] * w[q];
      }
      c.put(from, x, 0, m);
    }
  }

  /**
   * out[off + c] = sum_i m[i][c], accumulated in double in acc (length &ge; cols); m rows &times;
   * cols. (Float partial sums over a few rows vectorise and measured 34 against 55 &micro;s on
   * 1437 &times; 128, but reductions accumulate in double here: the bias gradient near an optimum is
   * a sum that cancels.)
   */
  static void colSums(FloatBuffer m, int rows, int cols, FloatBuffer out, int off, double[] acc) {
    java.util.Arrays.fill(acc, 0, cols, 0.0);
    float[] x = scratch(cols)[0];
    int per = x.length / cols;
    for (int i = 0; i < rows; i += per) {
      int count = Math.min(per, rows - i);
      m.get(i * cols, x, 0, count * cols);
      for (int r = 0; r < count; r++) {
        int base = r * cols;
        for (int c = 0; c < cols; c++) {
          acc[c] += x[base + c];
        }
      }
    }
    for (int c = 0; c < cols; c++) {
      out.put(off + c, (float) acc[c]);
    }
  }

  /** R-forward through an activation for one direction: rz += vb; ra = f1 * rz (n x h). */
  static void rActivate(FloatBuffer rz, FloatBuffer v, int bOff, int n, int h, FloatBuffer f1,
      FloatBuffer ra) {
    float[][] s = scratch(h);
    float[] x = s[0];
    float[] f = s[1];
    float[] bias = s[3];
    int per = x.length / h;
    tileBias(v, bOff, h, bias, Math.min(per, n));
    for (int i = 0; i < n; i += per) {
      int count = Math.min(per, n - i);
      int from = i * h;
      int m = count * h;
      rz.get(from, x, 0, m);
      f1.get(from, f, 0, m);
      for (int q = 0; q < m; q++) {
        x[q] += bias[q];
      }
      rz.put(from, x, 0, m);
      for (int q = 0; q < m; q++) {
        f[q] *= x[q];
      }
      ra.put(from, f, 0, m);
    }
  }

  /** R-backward through an activation for one direction, in place: rd = rd * f1 + c * rz. */
  static void rBackward(FloatBuffer rd, FloatBuffer f1, FloatBuffer c, FloatBuffer rz, int len) {
    float[][] s = scratch(1);
    float[] d = s[0];
    float[] f = s[1];
    float[] w = s[2];
    float[] z = s[3];
    for (int from = 0; from < len; from += d.length) {
      int m = Math.min(d.length, len - from);
      rd.get(from, d, 0, m);
      f1.get(from, f, 0, m);
      if (c == null) {
        for (int q = 0; q < m; q++) {
          d[q] *= f[q];
        }
      } else {
        c.get(from, w, 0, m);
        rz.get(from, z, 0, m);
        for (int q = 0; q < m; q++) {
          d[q] = d[q] * f[q] + w[q] * z[q];
        }
      }
      rd.put(from, d, 0, m);
    }
  }
}

package dev.unlearn.core.model;

import java.nio.FloatBuffer;

/**
 * tanh for the float32 forward pass, branch-free so that the JIT vectorises it: x is clamped to
 * [&minus;9, 9] (beyond, tanh is within 3e-8 of &plusmn;1), then tanh x = x P(u)/Q(u) with u = x&sup2;/81,
 * P of degree 6 and Q of degree 3, and the result clamped to [&minus;1, 1]. The coefficients were fitted
 * here by iteratively reweighted least squares on the relative error over [0, 9] (max relative
 * error 2.2e-8 in exact arithmetic); evaluated in float the error is at most about 6 ulp of the
 * result (tested against {@link Math#tanh}); it saturates at &plusmn;(1 &minus; 1.2e-7), two ulps short
 * of &plusmn;1. NaN stays NaN. The float64 pass keeps {@link
 * Activation#tanh}.
 *
 * <p>{@link #activate} works on the direct buffers through per-thread float[] chunks (bulk copies),
 * because the JIT does not vectorise loops over buffer views.
 */
final class FloatTanh {
  private static final float CLAMP = 9f;
  private static final float INV_CLAMP2 = 1f / 81f;
  private static final float P0 = 9.999999974e-01f;
  private static final float P1 = 1.060447163e+01f;
  private static final float P2 = 2.042307777e+01f;
  private static final float P3 = 5.976825894e+00f;
  private static final float P4 = -8.866433752e-01f;
  private static final float P5 = 1.902474309e-01f;
  private static final float P6 = -2.526266340e-02f;
  private static final float Q1 = 3.760446841e+01f;
  private static final float Q2 = 1.609441829e+02f;
  private static final float Q3 = 1.359958164e+02f;
  private static final int CHUNK = 8192;
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[4][CHUNK]); // x, t, d chunks and the bias

  private FloatTanh() {}

  /** tanh(x) in float (see the class comment for its accuracy). */
  static float tanh(float x) {
    float c = Math.max(-CLAMP, Math.min(CLAMP, x));
    float u = c * INV_CLAMP2 * c;
    float p = ((((((P6 * u + P5) * u + P4) * u + P3) * u + P2) * u + P1) * u + P0);
    float q = ((Q3 * u + Q2) * u + Q1) * u + 1f;
    return Math.max(-1f, Math.min(1f, c * p / q));
  }

  /** t[i] = tanh(x[i]), d[i] = 1 &minus; t[i]&sup2; for i &lt; n. */
  static void tanh(float[] x, float[] t, float[] d, int n) {
    for (int i = 0; i < n; i++) {
      float c = Math.max(-CLAMP, Math.min(CLAMP, x[i]));
      float u = c * INV_CLAMP2 * c;
      float p = ((((((P6 * u + P5) * u + P4) * u + P3) * u + P2) * u + P1) * u + P0);
      float q = ((Q3 * u + Q2) * u + Q1) * u + 1f;
      float y = Math.max(-1f, Math.min(1f, c * p / q));
      t[i] = y;
      d[i] = 1f - y * y;
    }
  }

  /**
   * The float32 tanh layer: z += bias (row-wise), a = tanh(z), f1 = 1 &minus; a&sup2;; z, a, f1 are n
   * &times; h row-major from offset 0. What {@link Kernels32#activate} does for {@link
   * Activation#TANH}, vectorised.
   */
  static void activate(FloatBuffer z, FloatBuffer theta, int bOff, int n, int h, FloatBuffer a,
      FloatBuffer f1) {
    float[][] s = SCRATCH.get();
    if (s[0].length < h) { // a layer wider than a chunk: chunks of one row
      s = new float[][] {new float[h], new float[h], new float[h], new float[h]};
      SCRATCH.set(s);
    }
    float[] x = s[0];
    float[] t = s[1];
    float[] d = s[2];
    float[] bias = s[3];
    theta.get(bOff, bias, 0, h);
    int rowsPer = x.length / h;
    for (int row = 0; row < n; row += rowsPer) {
      int rows = Math.min(rowsPer, n - row);
      int count = rows * h;
      int start = row * h;
      z.get(start, x, 0, count);
      for (int r = 0; r < rows; r++) {
        int base = r * h;
        for (int c = 0; c < h; c++) {
          x[base + c] += bias[c];
        }
      }
      tanh(x, t, d, count);
      z.put(start, x, 0, count);
      a.put(start, t, 0, count);
      f1.put(start, d, 0, count);
    }
  }
}

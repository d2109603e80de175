package dev.unlearn.core.model;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * The float32 softmax head, with the exponentials by a float exp instead of {@link Math#exp}
 * (which costs about 12 ns an element here, most of the float32 logistic gradient): exp(x) for x
 * &le; 0 as 2<sup>k</sup>p(f), k = round(x log<sub>2</sub>e) by the 1.5&middot;2<sup>23</sup> rounding trick,
 * f = x &minus; k ln 2 in two parts, p the degree-6 Taylor polynomial of e<sup>f</sup> on |f| &le; ln2/2,
 * and 2<sup>k</sup> assembled from its exponent bits; x is clamped at &minus;87 (e<sup>&minus;87</sup>
 * is still a normal float). At most 3 ulp from the rounded exponential (tested), about 3 ns an
 * element. Same results as {@link Kernels32#softmax} otherwise: row maximum subtracted, sums and
 * losses in double, the rows in the order given.
 */
final class FloatSoftmax {
  private static final float MAGIC = 12582912f; // 1.5 * 2^23
  private static final int MAGIC_BITS = 0x4B400000;

  private FloatSoftmax() {}

  /** e<sup>x</sup> for x &le; 0 (see the class comment; x above 0 is not supported). */
  static float exp(float x) {
    float v = Math.max(x, -87.0f);
    float r = v * 1.44269504f + MAGIC;
    float kf = r - MAGIC;
    float f = v - kf * 0.693145752f - kf * 1.42860677e-6f;
    float p = 1.0f + f * (1.0f + f * (0.5f + f * (0.166666672f + f * (0.0416666679f
        + f * (0.00833333377f + f * 0.00138888892f)))));
    int k = Float.floatToRawIntBits(r) - MAGIC_BITS;
    return p * Float.intBitsToFloat((k + 127) << 23);
  }

  /**
   * z += bias; s = softmax(z); losses[i] = logsumexp(z_i) &minus; z_iy; d = (s &minus; onehot(y))
   * &middot; invN. z, s, d are n &times; k row-major; what {@link Kernels32#softmax} does.
   */
  static void softmax(FloatBuffer z, FloatBuffer theta, int bOff, int n, int k, IntBuffer labels,
      FloatBuffer s, FloatBuffer d, double[] losses, double invN) {
    for (int i = 0; i < n; i++) {
      int row = i * k;
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        float x = z.get(row + c) + theta.get(bOff + c);
        z.put(row + c, x);
        max = Math.max(max, x);
      }
      double sum = 0;
      for (int c = 0; c < k; c++) {
        float ex = exp(z.get(row + c) - max);
        s.put(row + c, ex);
        sum += ex;
      }
      int y = labels.get(i);
      losses[i] = max + Math.log(sum) - z.get(row + y);
      double inv = 1.0 / sum;
      for (int c = 0; c < k; c++) {
        double sc = s.get(row + c) * inv;
        s.put(row + c, (float) sc);
        d.put(row + c, (float) ((sc - (c == y ? 1.0 : 0.0)) * invN));
      }
    }
  }
}

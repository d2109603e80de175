package dev.unlearn.core.model;

/**
 * The hidden-layer activation of an {@link Mlp}, with the first and second derivatives that the
 * exact Hessian-vector product needs.
 *
 * <p>{@link #GELU} is the tanh approximation of Hendrycks and Gimpel (2016), the one PyTorch calls
 * {@code gelu(x, approximate="tanh")}: {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, not
 * the exact erf form. {@link #RELU} uses the derivative 0 at x = 0 (PyTorch's convention) and a
 * zero second derivative everywhere, so its Hessian is exact almost everywhere. NaN propagates.
 */
public enum Activation {
  /** The hyperbolic tangent. */
  TANH,
  /** max(0, x). */
  RELU,
  /** GELU, tanh approximation. */
  GELU;

  static final double GELU_C = Math.sqrt(2.0 / Math.PI);
  static final double GELU_K = 0.044715;

  /** The activation f(x). */
  public double value(double x) {
    switch (this) {
      case TANH:
        return tanh(x);
      case RELU:
        return x > 0 ? x : (x <= 0 ? 0.0 : x);
      default:
        return 0.5 * x * (1 + tanh(GELU_C * (x + GELU_K * x * x * x)));
    }
  }

  /** The first derivative f'(x). */
  public double derivative(double x) {
    switch (this) {
      case TANH: {
        double t = tanh(x);
        return 1 - t * t;
      }
      case RELU:
        return x > 0 ? 1.0 : (x <= 0 ? 0.0 : x);
      default: {
        double x2 = x * x;
        double t = tanh(GELU_C * (x + GELU_K * x2 * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * GELU_K * x2);
      }
    }
  }

  /** The second derivative f''(x). */
  public double secondDerivative(double x) {
    switch (this) {
      case TANH: {
        double t = tanh(x);
        return -2 * t * (1 - t * t);
      }
      case RELU:
        return Double.isNaN(x) ? x : 0.0;
      default:
        return geluSecond(x);
    }
  }

  static double geluSecond(double x) {
    double x2 = x * x;
    double t = tanh(GELU_C * (x + GELU_K * x2 * x));
    double du = GELU_C * (1 + 3 * GELU_K * x2);
    double ddu = 6 * GELU_C * GELU_K * x;
    return (1 - t * t) * (du - x * t * du * du + 0.5 * x * ddu);
  }

  /**
   * tanh to within a few ulp, about 3x faster than {@link Math#tanh} (which is fdlibm's): a rational
   * approximation for |x| &le; 0.625 (Cephes {@code tanh.c}) and {@code 1 - 2/(e^{2|x|} + 1)} above.
   */
  static double tanh(double x) {
    double z = Math.abs(x);
    if (z > 0.625) {
      double t = 1.0 - 2.0 / (Math.exp(2.0 * z) + 1.0);
      return x < 0 ? -t : t;
    }
    double s = x * x;
    double p = (-9.64399179425052238628E-1 * s - 9.92877231001918586564E1) * s
        - 1.61468768441708447952E3;
    double q = ((s + 1.12811678491632931402E2) * s + 2.23548839060100448583E3) * s
        + 4.84406305325125486048E3;
    return x + x * s * (p / q);
  }
}

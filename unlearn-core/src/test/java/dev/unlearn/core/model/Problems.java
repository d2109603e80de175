package dev.unlearn.core.model;

import static dev.unlearn.testkit.Numerics.arr;

import dev.unlearn.api.Dataset;

/** Model-specific oracles for the network tests; the generic ones are in the testkit's Numerics. */
final class Problems {
  private Problems() {}

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
}

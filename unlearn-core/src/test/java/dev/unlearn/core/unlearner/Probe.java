package dev.unlearn.core.unlearner;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Independent measurements on a model, for the unlearner tests' oracles. */
final class Probe {
  private Probe() {}

  static double accuracy(Model model, INDArray theta, Dataset data) {
    long[] pred = model.logits(theta, data.features(model.dataType())).argMax(1).toLongVector();
    int ok = 0;
    for (int i = 0; i < pred.length; i++) {
      ok += pred[i] == data.label(i) ? 1 : 0;
    }
    return ok / (double) pred.length;
  }

  /** Mean cross-entropy (no regularisation), from the logits computed here by log-sum-exp. */
  static double meanCrossEntropy(Model model, INDArray theta, Dataset data) {
    double[][] z = model.logits(theta, data.features(model.dataType())).toDoubleMatrix();
    double s = 0;
    for (int i = 0; i < z.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : z[i]) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (double v : z[i]) {
        sum += Math.exp(v - max);
      }
      s += max + Math.log(sum) - z[i][data.label(i)];
    }
    return s / z.length;
  }

  /** Mean KL(softmax(teacher) || softmax(student)) over the rows. */
  static double meanKl(Model model, INDArray teacher, INDArray student, Dataset data) {
    double[][] a = softmax(model.logits(teacher, data.features(model.dataType())).toDoubleMatrix());
    double[][] b = softmax(model.logits(student, data.features(model.dataType())).toDoubleMatrix());
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        if (a[i][j] > 0) {
          s += a[i][j] * (Math.log(a[i][j]) - Math.log(b[i][j]));
        }
      }
    }
    return s / a.length;
  }

  private static double[][] softmax(double[][] z) {
    double[][] p = new double[z.length][];
    for (int i = 0; i < z.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : z[i]) {
        max = Math.max(max, v);
      }
      double sum = 0;
      p[i] = new double[z[i].length];
      for (int j = 0; j < z[i].length; j++) {
        p[i][j] = Math.exp(z[i][j] - max);
        sum += p[i][j];
      }
      for (int j = 0; j < z[i].length; j++) {
        p[i][j] /= sum;
      }
    }
    return p;
  }

  static double distance(INDArray a, INDArray b) {
    double[] x = a.toDoubleVector();
    double[] y = b.toDoubleVector();
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += (x[i] - y[i]) * (x[i] - y[i]);
    }
    return Math.sqrt(s);
  }
}

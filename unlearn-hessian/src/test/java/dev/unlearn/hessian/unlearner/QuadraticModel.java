package dev.unlearn.hessian.unlearner;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A test-only model with a quadratic objective: linear scores Z = X W + 1 b<sup>T</sup> and squared
 * error to the one-hot labels, L(&theta;) = (1/n) &Sigma; &frac12;&Vert;z<sub>i</sub> &minus; e<sub>y<sub>i</sub></sub>&Vert;&sup2;
 * + (&lambda;/2)&Vert;&theta;&Vert;&sup2;, &theta; = [W (d &times; k row-major), b]. Its Hessian is constant,
 * (1/n)&Phi;<sup>T</sup>&Phi; + &lambda;I, so one exact Newton step reaches the minimiser. Written on
 * plain double arrays, independent of the library's models.
 */
final class QuadraticModel implements Model {
  private final int d;
  private final int k;
  private final double l2;

  QuadraticModel(int d, int k, double l2) {
    this.d = d;
    this.k = k;
    this.l2 = l2;
  }

  @Override public String name() { return "quadratic(" + d + "->" + k + ")"; }
  @Override public int numParameters() { return (d + 1) * k; }
  @Override public int numInputs() { return d; }
  @Override public int numClasses() { return k; }
  @Override public DataType dataType() { return DataType.DOUBLE; }
  @Override public double l2() { return l2; }
  @Override public Model withDataType(DataType type) { throw new UnsupportedOperationException(); }
  @Override public Model withL2(double l) { return new QuadraticModel(d, k, l); }

  @Override
  public INDArray initialParameters(long seed) {
    return Nd4j.zeros(DataType.DOUBLE, numParameters());
  }

  @Override
  public INDArray logits(INDArray theta, INDArray features) {
    double[] t = theta.toDoubleVector();
    double[][] x = features.toDoubleMatrix();
    double[][] z = new double[x.length][k];
    for (int i = 0; i < x.length; i++) {
      for (int c = 0; c < k; c++) {
        double s = t[d * k + c];
        for (int j = 0; j < d; j++) {
          s += x[i][j] * t[j * k + c];
        }
        z[i][c] = s;
      }
    }
    return Nd4j.createFromArray(z);
  }

  /** x&#771;<sub>i</sub> &otimes; u as a flat parameter-shaped vector, accumulated into out. */
  private void outer(double[] xi, double[] u, double scale, double[] out) {
    for (int j = 0; j <= d; j++) {
      double xj = j < d ? xi[j] : 1.0;
      for (int c = 0; c < k; c++) {
        out[j * k + c] += scale * xj * u[c];
      }
    }
  }

  @Override
  public ModelPoint at(INDArray theta, Dataset data) {
    double[] t = theta.toDoubleVector();
    double[][] x = data.features().toDoubleMatrix();
    double[][] z = logits(theta, data.features()).toDoubleMatrix();
    int n = x.length;
    Model self = this;
    return new ModelPoint() {
      @Override public Model model() { return self; }
      @Override public INDArray parameters() { return theta; }
      @Override public Dataset data() { return data; }
      @Override public INDArray logits() { return Nd4j.createFromArray(z); }
      @Override public INDArray probabilities() { throw new UnsupportedOperationException(); }

      private double[] residual(int i) {
        double[] r = z[i].clone();
        r[data.label(i)] -= 1;
        return r;
      }

      @Override
      public double loss() {
        double s = 0;
        for (int i = 0; i < n; i++) {
          for (double v : residual(i)) {
            s += 0.5 * v * v;
          }
        }
        double r = 0;
        for (double v : t) {
          r += v * v;
        }
        return s / n + 0.5 * l2 * r;
      }

      @Override
      public INDArray gradient() {
        double[] g = new double[t.length];
        for (int i = 0; i < n; i++) {
          outer(x[i], residual(i), 1.0 / n, g);
        }
        for (int j = 0; j < g.length; j++) {
          g[j] += l2 * t[j];
        }
        return Nd4j.createFromArray(g);
      }

      private double[] hv(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < n; i++) {
          double[] u = new double[k];
          for (int c = 0; c < k; c++) {
            double s = v[d * k + c];
            for (int j = 0; j < d; j++) {
              s += x[i][j] * v[j * k + c];
            }
            u[c] = s;
          }
          outer(x[i], u, 1.0 / n, out);
        }
        for (int j = 0; j < out.length; j++) {
          out[j] += l2 * v[j];
        }
        return out;
      }

      @Override
      public INDArray hessianVectorProduct(INDArray v) {
        if (v.rank() == 1) {
          return Nd4j.createFromArray(hv(v.toDoubleVector()));
        }
        double[][] cols = v.transpose().toDoubleMatrix();
        double[][] res = new double[cols.length][];
        for (int c = 0; c < cols.length; c++) {
          res[c] = hv(cols[c]);
        }
        return Nd4j.createFromArray(res).transpose().dup(v.ordering());
      }

      @Override
      public INDArray gaussNewtonVectorProduct(INDArray v) {
        return hessianVectorProduct(v);
      }

      @Override
      public INDArray perExampleGradients() {
        double[][] g = new double[n][t.length];
        for (int i = 0; i < n; i++) {
          outer(x[i], residual(i), 1.0, g[i]);
        }
        return Nd4j.createFromArray(g);
      }

      @Override public INDArray perExampleLosses() { throw new UnsupportedOperationException(); }
      @Override public INDArray backpropagate(INDArray u) { throw new UnsupportedOperationException(); }
    };
  }
}

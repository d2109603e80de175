package dev.unlearn.core.internal;

import dev.unlearn.api.TrainingRecipe;

/**
 * One first-order update of parameters from a gradient: Adam (Kingma and Ba 2015; &beta; = 0.9,
 * 0.999, &epsilon; = 1e-8, bias-corrected) or SGD with heavy-ball momentum. Holds the optimiser state
 * for one run; not thread-safe.
 */
public abstract class StepRule {
  protected final double learningRate;

  private StepRule(double learningRate) {
    this.learningRate = learningRate;
  }

  /** Moves x against g (descent): x &larr; x &minus; step(g). */
  public abstract void descend(double[] x, double[] g);

  public static StepRule adam(int p, double learningRate) {
    return new Adam(p, learningRate);
  }

  public static StepRule sgd(int p, double learningRate, double momentum) {
    return new Sgd(p, learningRate, momentum);
  }

  /** The rule a minibatch recipe names (Adam or SGD) with the given learning rate. */
  public static StepRule of(TrainingRecipe.Optimizer optimizer, int p, double learningRate,
      double momentum) {
    return optimizer == TrainingRecipe.Optimizer.SGD ? sgd(p, learningRate, momentum)
        : adam(p, learningRate);
  }

  private static final class Adam extends StepRule {
    private final double[] m1;
    private final double[] m2;
    private int t;

    Adam(int p, double lr) {
      super(lr);
      m1 = new double[p];
      m2 = new double[p];
    }

    @Override
    public void descend(double[] x, double[] g) {
      t++;
      double c1 = 1 - Math.pow(0.9, t);
      double c2 = 1 - Math.pow(0.999, t);
      for (int i = 0; i < x.length; i++) {
        m1[i] = 0.9 * m1[i] + 0.1 * g[i];
        m2[i] = 0.999 * m2[i] + 0.001 * g[i] * g[i];
        x[i] -= learningRate * (m1[i] / c1) / (Math.sqrt(m2[i] / c2) + 1e-8);
      }
    }
  }

  private static final class Sgd extends StepRule {
    private final double[] v;
    private final double momentum;

    Sgd(int p, double lr, double momentum) {
      super(lr);
      this.v = momentum == 0 ? null : new double[p];
      this.momentum = momentum;
    }

    @Override
    public void descend(double[] x, double[] g) {
      if (v == null) {
        for (int i = 0; i < x.length; i++) {
          x[i] -= learningRate * g[i];
        }
        return;
      }
      for (int i = 0; i < x.length; i++) {
        v[i] = momentum * v[i] + g[i];
        x[i] -= learningRate * v[i];
      }
    }
  }
}

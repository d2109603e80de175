package dev.unlearn.core.train;

import static dev.unlearn.core.internal.Vectors.axpy;
import static dev.unlearn.core.internal.Vectors.dot;
import static dev.unlearn.core.internal.Vectors.norm;
import static dev.unlearn.core.internal.Vectors.scale;
import static dev.unlearn.core.internal.Vectors.toArray;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.api.RunMonitor;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.core.internal.Batches;
import dev.unlearn.core.internal.StepRule;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Minimises a model's objective on a data set as a {@link TrainingRecipe} says.
 *
 * <pre>{@code
 * TrainingResult r = Trainer.train(model, train, TrainingRecipe.lbfgs(1e-6));
 * TrainingResult warm = Trainer.builder(recipe).start(theta).build().train(model, retain);
 * }</pre>
 *
 * <p>L-BFGS (Nocedal and Wright, Alg. 7.4, with the strong-Wolfe line search of Alg. 3.5/3.6 and
 * cubic interpolation, as in {@code torch.optim.LBFGS}): full batch, from zeros or a seeded random
 * start, until &Vert;&nabla;L&Vert;<sub>2</sub> &le; the recipe's tolerance, or the iteration limit,
 * or no further decrease is possible (then {@code converged} is false). The line search compares
 * objective values, so tolerances much below about 1e-8 &times; the objective's scale can be out of
 * reach in float64 (about 1e-4 in float32): the result then says {@code converged = false}. Adam (Kingma and Ba 2015,
 * &beta; = 0.9, 0.999, &epsilon; = 1e-8) and SGD with heavy-ball momentum: the recipe's epochs of
 * minibatches in an order shuffled with the recipe's seed ({@link Batches}).
 *
 * <p>An optional linear term c adds c<sup>T</sup>&theta; to the objective (objective perturbation for
 * certified removal). Inputs are never mutated; the same recipe, data, start and thread count give
 * bitwise the same result. An optional {@link RunMonitor} bounds the run in time, reports progress
 * to a listener that can stop it, and ends it at once with
 * {@link dev.unlearn.api.UnlearningInterruptedException} when the thread is interrupted. A non-finite objective during training fails with
 * {@link InvalidInputException} naming the iteration (a learning rate too large, say).
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  private static final double C1 = 1e-4;
  private static final double C2 = 0.9;
  private static final int MAX_LINE_SEARCH = 25;

  private final TrainingRecipe recipe;
  private final INDArray start;
  private final double[] linearTerm;
  private final TrainingListener listener;
  private final RunMonitor monitor;

  private Trainer(Builder b) {
    this.recipe = b.recipe;
    this.start = b.start;
    this.linearTerm = b.linearTerm;
    this.listener = b.listener;
    this.monitor = b.monitor;
  }

  /** Trains from the recipe's initialisation. */
  public static TrainingResult train(Model model, Dataset data, TrainingRecipe recipe) {
    return builder(recipe).build().train(model, data);
  }

  public static Builder builder(TrainingRecipe recipe) {
    return new Builder(recipe);
  }

  /** Runs the recipe on {@code data}. */
  public TrainingResult train(Model model, Dataset data) {
    int p = model.numParameters();
    InvalidInputException.check(data.numFeatures() == model.numInputs(),
        "data width (%d) must equal the model's inputs (%d)", data.numFeatures(), model.numInputs());
    InvalidInputException.check(linearTerm == null || linearTerm.length == p,
        "linear term length (%d) must equal the number of parameters (%d)",
        linearTerm == null ? 0 : linearTerm.length, p);
    double[] x0;
    if (start != null) {
      InvalidInputException.check(start.length() == p,
          "start parameters (length %d) must have length %d", start.length(), p);
      x0 = start.toDoubleVector();
    } else if (recipe.initialization() == TrainingRecipe.Initialization.ZEROS) {
      x0 = new double[p];
    } else {
      x0 = model.initialParameters(recipe.seed()).toDoubleVector();
    }
    Cost.Meter meter = new Cost.Meter(data.size(), monitor == null ? RunMonitor.unbounded() : monitor);
    Evaluator f = new Evaluator(model, data, linearTerm, meter);
    return switch (recipe.optimizer()) {
      case LBFGS -> lbfgs(f, x0, meter);
      case ADAM, SGD -> minibatch(model, data, x0, meter);
    };
  }

  // ---------------------------------------------------------------- objective evaluation

  /** Full-batch objective on double[] parameters; counts gradient evaluations. */
  private static final class Evaluator {
    final Model model;
    final Dataset data;
    final double[] c;
    final Cost.Meter meter;
    int evaluations;

    Evaluator(Model model, Dataset data, double[] c, Cost.Meter meter) {
      this.model = model;
      this.data = data;
      this.c = c;
      this.meter = meter;
    }

    /** Returns the objective and writes the gradient into {@code g}. */
    double evaluate(double[] x, double[] g) {
      RunMonitor.checkInterrupted(); // an interrupt ends the run here; a budget only between iterations
      evaluations++;
      return evaluateOn(model, data, x, g, c, meter);
    }
  }

  private static double evaluateOn(Model model, Dataset batch, double[] x, double[] g, double[] c,
      Cost.Meter meter) {
    ModelPoint at = model.at(toArray(x, model.dataType()), batch);
    double loss = at.loss();
    double[] grad = at.gradient().toDoubleVector();
    System.arraycopy(grad, 0, g, 0, g.length);
    if (c != null) {
      loss += dot(c, x);
      for (int i = 0; i < g.length; i++) {
        g[i] += c[i];
      }
    }
    meter.gradient(batch.size());
    return loss;
  }

  // ---------------------------------------------------------------- L-BFGS

  private TrainingResult lbfgs(Evaluator f, double[] x, Cost.Meter meter) {
    int p = x.length;
    int m = recipe.lbfgsMemory();
    double gtol = recipe.gradientTolerance();
    double[][] s = new double[m][];
    double[][] y = new double[m][];
    double[] rho = new double[m];
    int stored = 0;
    int head = 0; // index of the next slot
    double[] g = new double[p];
    double fx = f.evaluate(x, g);
    checkFinite(fx, 0);
    double gnorm = norm(g);
    checkGradient(gnorm, 0, f.data);
    double[] d = new double[p];
    double[] alpha = new double[m];
    double[] xNew = new double[p];
    double[] gNew = new double[p];
    int iter = 0;
    boolean converged = gnorm <= gtol;
    while (!converged && iter < recipe.maxIterations()) {
      // two-loop recursion: d = -H g
      for (int i = 0; i < p; i++) {
        d[i] = -g[i];
      }
      for (int k = 0; k < stored; k++) {
        int j = Math.floorMod(head - 1 - k, m);
        alpha[j] = rho[j] * dot(s[j], d);
        axpy(-alpha[j], y[j], d);
      }
      if (stored > 0) {
        int last = Math.floorMod(head - 1, m);
        double gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
        scale(gamma, d);
      }
      for (int k = stored - 1; k >= 0; k--) {
        int j = Math.floorMod(head - 1 - k, m);
        double beta = rho[j] * dot(y[j], d);
        axpy(alpha[j] - beta, s[j], d);
      }
      double gtd = dot(g, d);
      if (!(gtd < 0)) { // not a descent direction (numerical trouble): restart from steepest descent
        stored = 0;
        for (int i = 0; i < p; i++) {
          d[i] = -g[i];
        }
        gtd = dot(g, d);
      }
      double t0 = iter == 0 && stored == 0 ? Math.min(1.0, 1.0 / norm1(g)) : 1.0;
      LineSearch ls = strongWolfe(f, x, fx, g, d, gtd, t0, xNew, gNew);
      iter++;
      if (!(ls.f < fx) && ls.t == 0) {
        LOG.debug("L-BFGS: line search made no progress at iteration {}", iter);
        break;
      }
      // s = xNew - x, y = gNew - g
      double[] sk = s[head] != null && s[head].length == p ? s[head] : new double[p];
      double[] yk = y[head] != null && y[head].length == p ? y[head] : new double[p];
      for (int i = 0; i < p; i++) {
        sk[i] = xNew[i] - x[i];
        yk[i] = gNew[i] - g[i];
      }
      double sy = dot(sk, yk);
      if (sy > 1e-10 * norm(sk) * norm(yk)) {
        s[head] = sk;
        y[head] = yk;
        rho[head] = 1.0 / sy;
        head = (head + 1) % m;
        stored = Math.min(stored + 1, m);
      }
      double fPrev = fx;
      System.arraycopy(xNew, 0, x, 0, p);
      System.arraycopy(gNew, 0, g, 0, p);
      fx = ls.f;
      checkFinite(fx, iter);
      gnorm = norm(g);
      checkGradient(gnorm, iter, f.data);
      listener.onProgress(iter, fx, gnorm);
      converged = gnorm <= gtol;
      if (!converged && iter < recipe.maxIterations() && meter.monitor().report("lbfgs", iter, fx)) {
        break;
      }
      if (!converged && Math.abs(fPrev - fx) <= 1e-16 * Math.max(1, Math.abs(fx))
          && ls.t * norm(d) <= 1e-16 * Math.max(1, norm(x))) {
        LOG.debug("L-BFGS: no further progress at iteration {} (|g| = {})", iter, gnorm);
        break;
      }
    }
    meter.iterations(iter);
    if (!converged) {
      LOG.debug("L-BFGS stopped after {} iterations at |g| = {} > {}", iter, gnorm, gtol);
    }
    return new TrainingResult(toArray(x, f.model.dataType()), fx, gnorm, iter, converged,
        meter.stop(), meter.monitor().termination());
  }

  private record LineSearch(double t, double f) {}

  /**
   * Strong-Wolfe line search along d from x (f0, g0); leaves the accepted point in xNew, gNew.
   */
  private static LineSearch strongWolfe(Evaluator f, double[] x, double f0, double[] g0,
      double[] d, double gtd0, double t, double[] xNew, double[] gNew) {
    int p = x.length;
    double dNormInf = 0;
    for (double v : d) {
      dNormInf = Math.max(dNormInf, Math.abs(v));
    }
    double tPrev = 0;
    double fPrev = f0;
    double gtdPrev = gtd0;
    double[] gPrev = g0.clone();
    double fNew = eval(f, x, t, d, xNew, gNew);
    double gtdNew = dot(gNew, d);
    double lo = 0;
    double hi = 0;
    double fLo = 0;
    double fHi = 0;
    double gtdLo = 0;
    double gtdHi = 0;
    double[] gLo = null;
    boolean bracketed = false;
    int evals = 1;
    while (evals < MAX_LINE_SEARCH) {
      if (fNew > f0 + C1 * t * gtd0 || (evals > 1 && fNew >= fPrev) || !Double.isFinite(fNew)) {
        lo = tPrev; fLo = fPrev; gtdLo = gtdPrev; gLo = gPrev;
        hi = t; fHi = fNew; gtdHi = gtdNew;
        bracketed = true;
        break;
      }
      if (Math.abs(gtdNew) <= -C2 * gtd0) {
        return new LineSearch(t, fNew);
      }
      if (gtdNew >= 0) {
        lo = t; fLo = fNew; gtdLo = gtdNew; gLo = gNew.clone();
        hi = tPrev; fHi = fPrev; gtdHi = gtdPrev;
        bracketed = true;
        break;
      }
      double minStep = t + 0.01 * (t - tPrev);
      double maxStep = t * 10;
      double tNext = cubic(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, minStep, maxStep);
      tPrev = t;
      fPrev = fNew;
      gtdPrev = gtdNew;
      gPrev = gNew.clone();
      t = tNext;
      fNew = eval(f, x, t, d, xNew, gNew);
      gtdNew = dot(gNew, d);
      evals++;
    }
    if (!bracketed) {
      return new LineSearch(t, fNew); // out of evaluations: accept the last point
    }
    // zoom
    boolean insufficientProgress = false;
    while (evals < MAX_LINE_SEARCH) {
      if (Math.abs(hi - lo) * dNormInf < 1e-12) {
        break;
      }
      double a = Math.min(lo, hi);
      double b = Math.max(lo, hi);
      t = cubic(lo, fLo, gtdLo, hi, fHi, gtdHi, a, b);
      double eps = 0.1 * (b - a);
      if (Math.min(b - t, t - a) < eps) {
        if (insufficientProgress || t >= b || t <= a) {
          t = Math.abs(t - b) < Math.abs(t - a) ? b - eps : a + eps;
          insufficientProgress = false;
        } else {
          insufficientProgress = true;
        }
      } else {
        insufficientProgress = false;
      }
      fNew = eval(f, x, t, d, xNew, gNew);
      gtdNew = dot(gNew, d);
      evals++;
      if (fNew > f0 + C1 * t * gtd0 || fNew >= fLo || !Double.isFinite(fNew)) {
        hi = t; fHi = fNew; gtdHi = gtdNew;
      } else {
        if (Math.abs(gtdNew) <= -C2 * gtd0) {
          return new LineSearch(t, fNew);
        }
        if (gtdNew * (hi - lo) >= 0) {
          hi = lo; fHi = fLo; gtdHi = gtdLo;
        }
        lo = t; fLo = fNew; gtdLo = gtdNew; gLo = gNew.clone();
      }
    }
    // Not strictly Wolfe: return the best point found (lo), which satisfies sufficient decrease.
    if (lo == 0) {
      System.arraycopy(x, 0, xNew, 0, p);
      System.arraycopy(g0, 0, gNew, 0, p);
      return new LineSearch(0, f0);
    }
    for (int i = 0; i < p; i++) {
      xNew[i] = x[i] + lo * d[i];
    }
    System.arraycopy(gLo, 0, gNew, 0, p);
    return new LineSearch(lo, fLo);
  }

  private static double eval(Evaluator f, double[] x, double t, double[] d, double[] xNew,
      double[] gNew) {
    for (int i = 0; i < x.length; i++) {
      xNew[i] = x[i] + t * d[i];
    }
    return f.evaluate(xNew, gNew);
  }

  /** Minimiser of the cubic through (x1, f1, g1), (x2, f2, g2), clamped to [lo, hi]. */
  static double cubic(double x1, double f1, double g1, double x2, double f2, double g2, double lo,
      double hi) {
    double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
    double d2sq = d1 * d1 - g1 * g2;
    if (d2sq >= 0 && Double.isFinite(d2sq)) {
      double d2 = Math.sqrt(d2sq);
      double minPos = x1 <= x2
          ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
          : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
      if (Double.isFinite(minPos)) {
        return Math.min(Math.max(minPos, lo), hi);
      }
    }
    return (lo + hi) / 2;
  }

  // ---------------------------------------------------------------- Adam / SGD

  private TrainingResult minibatch(Model model, Dataset data, double[] x, Cost.Meter meter) {
    int p = x.length;
    StepRule rule = StepRule.of(recipe.optimizer(), p, recipe.learningRate(), recipe.momentum());
    Batches batches = new Batches(data.size(), recipe.batchSize(), recipe.seed());
    double[] g = new double[p];
    int step = 0;
    RunMonitor m = meter.monitor();
    epochs:
    for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
      double epochLoss = 0;
      int[][] epochBatches = batches.nextEpoch();
      for (int[] rows : epochBatches) {
        if (m.check()) {
          break epochs;
        }
        double loss = evaluateOn(model, data.rows(rows), x, g, linearTerm, meter);
        checkFinite(loss, step);
        checkGradient(norm(g), step, data);
        epochLoss += loss;
        step++;
        rule.descend(x, g);
      }
      listener.onProgress(epoch + 1, epochLoss / epochBatches.length, Double.NaN);
      LOG.debug("epoch {}: mean minibatch objective {}", epoch + 1, epochLoss / epochBatches.length);
      if (epoch + 1 < recipe.epochs() && m.report("epoch", epoch + 1, epochLoss / epochBatches.length)) {
        break;
      }
    }
    meter.iterations(step);
    double[] full = new double[p];
    double loss = evaluateOn(model, data, x, full, linearTerm, meter);
    return new TrainingResult(toArray(x, model.dataType()), loss, norm(full), step, true,
        meter.stop(), m.termination());
  }

  private static void checkFinite(double loss, int iteration) {
    if (!Double.isFinite(loss)) {
      throw new InvalidInputException("training objective (" + loss + ") at iteration "
          + iteration + " must be finite; lower the learning rate or check the data");
    }
  }

  /**
   * A finite objective with an infinite or NaN gradient norm means values so large that their
   * squares overflow (features near 1e154 or beyond): the optimiser cannot move, so this is an
   * error naming the largest feature, never a silent stop at the start.
   */
  private static void checkGradient(double gradientNorm, int iteration, Dataset data) {
    if (!Double.isFinite(gradientNorm)) {
      double largest = data.features().amaxNumber().doubleValue();
      throw new InvalidInputException(String.format(java.util.Locale.ROOT,
          "gradient norm (%s) at iteration %d must be finite; the largest |feature| is %.3g: "
              + "standardise the features (values beyond about 1e150 overflow)",
          gradientNorm, iteration, largest));
    }
  }

  private static double norm1(double[] a) {
    double s = 0;
    for (double v : a) {
      s += Math.abs(v);
    }
    return s;
  }

  /** Configures a {@link Trainer}. */
  public static final class Builder {
    private final TrainingRecipe recipe;
    private INDArray start;
    private double[] linearTerm;
    private TrainingListener listener = TrainingListener.NONE;
    private RunMonitor monitor;

    private Builder(TrainingRecipe recipe) {
      InvalidInputException.check(recipe != null, "recipe must not be null");
      this.recipe = recipe;
    }

    /** Start from these parameters (warm start) instead of the recipe's initialisation. */
    public Builder start(INDArray theta) {
      this.start = theta;
      return this;
    }

    /** Adds c<sup>T</sup>&theta; to the objective. */
    public Builder linearTerm(INDArray c) {
      this.linearTerm = c == null ? null : c.toDoubleVector();
      return this;
    }

    public Builder listener(TrainingListener l) {
      this.listener = l == null ? TrainingListener.NONE : l;
      return this;
    }

    /**
     * Watches the run: its budget and listener (checked after every L-BFGS iteration or epoch, and
     * before every minibatch) and interrupts (before every objective evaluation). A run told to
     * stop returns its current parameters with the monitor's {@link TrainingResult#termination()}.
     * A monitor belongs to one run: build a trainer per run.
     */
    public Builder monitor(RunMonitor m) {
      this.monitor = m;
      return this;
    }

    public Trainer build() {
      return new Trainer(this);
    }
  }
}

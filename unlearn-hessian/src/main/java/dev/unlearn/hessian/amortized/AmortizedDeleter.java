package dev.unlearn.hessian.amortized;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.hessian.estimate.Eigenpairs;
import dev.unlearn.hessian.estimate.Lanczos;
import dev.unlearn.hessian.estimate.Nystrom;
import dev.unlearn.hessian.estimate.NystromApproximation;
import dev.unlearn.hessian.operator.CurvatureOperator;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.solve.PreparedInverse;
import dev.unlearn.hessian.solve.Solvers;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Serves a stream of deletion requests from one trained model with a curvature inverse prepared
 * once: each request costs one gradient on the deleted rows and one application of the prepared
 * inverse, instead of a new solve or a retraining.
 *
 * <pre>{@code
 * AmortizedDeleter deleter = AmortizedDeleter.prepare(model, theta, train, Options.cholesky(0));
 * DeletionResult r = deleter.delete(14, 230, 977);   // rows of the original training set
 * INDArray updated = r.parameters();
 * }</pre>
 *
 * <p><b>What is approximated.</b> For deleting rows F from the current training set S (n<sub>s</sub>
 * rows, n<sub>r</sub> = n<sub>s</sub> &minus; n<sub>f</sub> remain) the Newton update is &theta; +
 * (n<sub>f</sub>/n<sub>r</sub>)H<sub>r</sub>(&theta;)<sup>-1</sup>g<sub>f</sub>, g<sub>f</sub> the gradient of the
 * model's objective on F, exact in the identity &nabla;L<sub>r</sub> = &minus;(n<sub>f</sub>/n<sub>r</sub>)
 * g<sub>f</sub> when &theta; minimises L<sub>S</sub>. The deleter uses (1) in place of H<sub>r</sub>(&theta;) the
 * prepared curvature C of the <i>full</i> training set at the <i>original</i> &theta;<sub>0</sub> (plus
 * damping &delta;); (2) in place of the exact identity the assumption that the current &theta; minimises
 * the current L<sub>S</sub>, so the residual left by earlier requests is not corrected. The error of
 * one request is &Vert;(C<sup>-1</sup> &minus; H<sub>r</sub><sup>-1</sup>)u&Vert; &le; &Vert;H<sub>r</sub><sup>-1</sup>&Vert;
 * &Vert;H<sub>r</sub>(&theta;) &minus; C&Vert; &Vert;C<sup>-1</sup>u&Vert; for u the step's right-hand side: it
 * grows with the fraction deleted so far (H<sub>r</sub> &minus; H<sub>full</sub> is O(deleted/n)), with
 * &Vert;&theta; &minus; &theta;<sub>0</sub>&Vert; (H is Lipschitz), and with &delta;; plus the second-order
 * Newton error of each step, which accumulates. Low-rank options add the error of treating the
 * spectrum beyond the sketch as &lambda; + &delta;. Re-prepare after a large share of deletions.
 *
 * <p>Curvatures: {@link Method#CHOLESKY} the exact Hessian (dense, p &le; 5000, convex models),
 * {@link Method#NYSTROM} and {@link Method#LANCZOS} a rank-r approximation of the Gauss-Newton matrix
 * inverted by Woodbury, {@link Method#FISHER} the damped empirical Fisher of m training rows,
 * inverted exactly by Woodbury. Not thread-safe (it holds the current &theta; and the deleted rows);
 * the caller's &theta; and data are never modified.
 */
public final class AmortizedDeleter {

  /** How the curvature is prepared. */
  public enum Method { CHOLESKY, NYSTROM, LANCZOS, FISHER }

  /**
   * Preparation settings.
   *
   * @param method the curvature and its inverse
   * @param damping &delta; &ge; 0 added to the curvature (the low-rank methods need &lambda; + &delta; &gt; 0)
   * @param rank sketch rank r (NYSTROM, LANCZOS) or Fisher rows m (FISHER)
   * @param seed seed of the sketch or the Fisher sample
   */
  public record Options(Method method, double damping, int rank, long seed) {
    public Options {
      InvalidInputException.check(method != null, "method must not be null");
      InvalidInputException.check(damping >= 0 && Double.isFinite(damping),
          "damping (%s) must be >= 0 and finite", damping);
      InvalidInputException.check(rank >= 1, "rank (%d) must be >= 1", rank);
    }

    public static Options cholesky(double damping) {
      return new Options(Method.CHOLESKY, damping, 1, 0);
    }

    public static Options nystrom(int rank, double damping, long seed) {
      return new Options(Method.NYSTROM, damping, rank, seed);
    }

    public static Options lanczos(int rank, double damping, long seed) {
      return new Options(Method.LANCZOS, damping, rank, seed);
    }

    public static Options fisher(int samples, double damping, long seed) {
      return new Options(Method.FISHER, damping, samples, seed);
    }
  }

  /**
   * One served request.
   *
   * @param parameters the updated &theta; (a new array)
   * @param cost this request's cost (gradient-equivalents relative to the original n)
   * @param rows the deleted rows (indices of the original training set, ascending)
   * @param remaining rows still in the training set after this request
   */
  public record DeletionResult(INDArray parameters, Cost cost, int[] rows, int remaining) {
    public DeletionResult {
      parameters = parameters.dup();
      rows = rows.clone();
    }

    @Override
    public INDArray parameters() {
      return parameters.dup();
    }

    @Override
    public int[] rows() {
      return rows.clone();
    }
  }

  private final Model model;
  private final Dataset train;
  private final PreparedInverse inverse;
  private final Cost preparation;
  private final boolean[] deleted;
  private int remaining;
  private INDArray theta;

  private AmortizedDeleter(Model model, Dataset train, INDArray theta, PreparedInverse inverse,
      Cost preparation) {
    this.model = model;
    this.train = train;
    this.theta = theta;
    this.inverse = inverse;
    this.preparation = preparation;
    this.deleted = new boolean[train.size()];
    this.remaining = train.size();
  }

  /**
   * Prepares the curvature inverse of {@code model} at {@code theta} on {@code train}.
   *
   * @throws InvalidInputException for mismatched shapes, a non-finite &theta;, p &gt; 5000 with
   *     CHOLESKY, or a curvature that is not positive definite
   */
  public static AmortizedDeleter prepare(Model model, INDArray theta, Dataset train, Options options) {
    InvalidInputException.check(model != null && theta != null && train != null && options != null,
        "model, theta, train and options must not be null");
    int p = model.numParameters();
    InvalidInputException.check(theta.rank() == 1 && theta.length() == p,
        "theta (shape %s) must be a vector of length %d", Arrays.toString(theta.shape()), p);
    InvalidInputException.check(Arrays.stream(theta.toDoubleVector()).allMatch(Double::isFinite),
        "theta must be finite");
    Cost.Meter meter = new Cost.Meter(train.size());
    ModelPoint at = model.at(theta, train);
    double delta = options.damping();
    double floor = model.l2() + delta;
    PreparedInverse inv;
    switch (options.method()) {
      case CHOLESKY -> {
        InvalidInputException.check(p <= 5000, "p (%d) must be <= 5000 for CHOLESKY", p);
        CurvatureOperator h = Operators.hessian(at);
        inv = Solvers.cholesky(delta > 0 ? h.damped(delta) : h);
        meter.hvps(h.matvecs());
      }
      case NYSTROM, LANCZOS -> {
        InvalidInputException.check(floor > 0, "l2 + damping (%s) must be > 0 for %s", floor,
            options.method());
        int r = Math.min(options.rank(), p);
        CurvatureOperator ggn = Operators.gaussNewton(at);
        INDArray basis;
        double[] values;
        if (options.method() == Method.NYSTROM) {
          NystromApproximation s = Nystrom.approximate(ggn, r, options.seed());
          basis = s.basis();
          values = s.eigenvalues();
        } else {
          Eigenpairs e = Lanczos.largest(ggn, r, options.seed());
          basis = e.vectors();
          values = e.values();
        }
        for (int i = 0; i < values.length; i++) {
          values[i] = Math.max(values[i] - model.l2(), 0); // the GGN already holds l2 I
        }
        inv = Solvers.lowRankWoodbury(Operators.lowRank(basis, Nd4j.createFromArray(values)), floor);
        meter.hvps(ggn.matvecs());
      }
      case FISHER -> {
        InvalidInputException.check(floor > 0, "l2 + damping (%s) must be > 0 for FISHER", floor);
        int m = Math.min(options.rank(), train.size());
        int[] rows = sample(train.size(), m, options.seed());
        INDArray g = model.at(theta, train.rows(rows)).perExampleGradients();
        meter.gradient(m);
        inv = Solvers.fisherWoodbury(Operators.empiricalFisher(g, floor));
      }
      default -> throw new IllegalStateException();
    }
    return new AmortizedDeleter(model, train, theta.dup(), inv, meter.stop());
  }

  private static int[] sample(int n, int m, long seed) {
    int[] idx = new int[n];
    Arrays.setAll(idx, i -> i);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < m; i++) {
      int j = i + rng.nextInt(n - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    int[] out = Arrays.copyOf(idx, m);
    Arrays.sort(out);
    return out;
  }

  /** What the preparation cost (HVPs or per-example gradients, wall time). */
  public Cost preparationCost() {
    return preparation;
  }

  /** The current &theta; (a copy). */
  public INDArray parameters() {
    return theta.dup();
  }

  /** Rows still in the training set. */
  public int remaining() {
    return remaining;
  }

  /**
   * Deletes these rows (indices of the original training set): &theta; &larr; &theta; +
   * (n<sub>f</sub>/n<sub>r</sub>) C<sup>-1</sup> g<sub>f</sub>.
   *
   * @throws InvalidInputException for an empty request, a row out of range, listed twice or
   *     already deleted, or a request that would delete every remaining row
   */
  public DeletionResult delete(int... rows) {
    Cost.Meter meter = new Cost.Meter(train.size());
    InvalidInputException.check(rows != null && rows.length > 0, "rows must not be empty");
    int[] sorted = rows.clone();
    Arrays.sort(sorted);
    for (int k = 0; k < sorted.length; k++) {
      int i = sorted[k];
      InvalidInputException.check(i >= 0 && i < train.size(), "row %d must be in [0, %d)", i,
          train.size());
      InvalidInputException.check(k == 0 || sorted[k - 1] != i, "row %d is listed twice", i);
      InvalidInputException.check(!deleted[i], "row %d was already deleted", i);
    }
    int after = remaining - sorted.length;
    InvalidInputException.check(after >= 1, String.format(Locale.ROOT,
        "deleting %d rows must leave at least one of the %d remaining", sorted.length, remaining));
    INDArray gf = model.gradient(theta, train.rows(sorted));
    meter.gradient(sorted.length);
    INDArray step = inverse.solve(gf);
    meter.hvps(1);
    theta = theta.add(step.muli(sorted.length / (double) after));
    for (int i : sorted) {
      deleted[i] = true;
    }
    remaining = after;
    return new DeletionResult(theta, meter.stop(), sorted, remaining);
  }
}

package dev.unlearn.hessian.amortized;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.hessian.internal.Factorizations;
import dev.unlearn.hessian.internal.Vectors;
import dev.unlearn.hessian.operator.CurvatureOperator;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.solve.PreparedInverse;
import dev.unlearn.hessian.unlearner.CurvatureInverse;
import dev.unlearn.hessian.solve.Solvers;
import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Serves a stream of deletion requests from one trained model with a curvature inverse prepared
 * once: each request costs one gradient on its new rows (at the prepared &theta;<sub>0</sub>) and one
 * application of the prepared inverse, instead of a new solve or a retraining.
 *
 * <pre>{@code
 * AmortizedDeleter deleter = AmortizedDeleter.prepare(model, theta, train, Options.cholesky(0));
 * DeletionResult r = deleter.delete(14, 230, 977);   // rows of the original training set
 * INDArray updated = r.parameters();
 * }</pre>
 *
 * <p><b>The step.</b> With the objective L<sub>X</sub>(&theta;) = (1/|X|)&Sigma;<sub>X</sub>&ell;<sub>i</sub> +
 * (&lambda;/2)&Vert;&theta;&Vert;&sup2; of {@link Model}, S the n prepared rows, F<sub>j</sub> the rows deleted
 * by requests 1..j (n<sub>f</sub> of them) and R<sub>j</sub> = S &minus; F<sub>j</sub> (n<sub>r</sub> rows),
 * n<sub>r</sub>&nabla;L<sub>R<sub>j</sub></sub>(&theta;<sub>0</sub>) = n&nabla;L<sub>S</sub>(&theta;<sub>0</sub>) &minus;
 * &Sigma;<sub>F<sub>j</sub></sub>(&nabla;&ell;<sub>i</sub>(&theta;<sub>0</sub>) + &lambda;&theta;<sub>0</sub>). The
 * deleter caches n&nabla;L<sub>S</sub>(&theta;<sub>0</sub>) at preparation (with the training's own
 * residual: &theta;<sub>0</sub> need not be an exact minimiser) and a running sum over F<sub>j</sub> to
 * which each request adds only its new rows, so the retain gradient at &theta;<sub>0</sub> is exact at
 * any point of the stream. Request j returns &theta;<sub>j</sub> = &theta;<sub>0</sub> &minus;
 * C<sup>-1</sup>&nabla;L<sub>R<sub>j</sub></sub>(&theta;<sub>0</sub>): the cold Newton step from
 * &theta;<sub>0</sub> for the cumulative forget set, with only the curvature approximated (C, the
 * prepared curvature of the <i>full</i> set S at &theta;<sub>0</sub> plus damping &delta;, in place of
 * H<sub>R<sub>j</sub></sub>(&theta;<sub>0</sub>) + &delta;I). Nothing accumulates from request to request:
 * the error of &theta;<sub>j</sub> is that of one Newton step from &theta;<sub>0</sub> (it grows with
 * &Vert;&theta;<sub>0</sub> &minus; &theta;<sub>r</sub>&Vert;&sup2;) plus
 * &Vert;(C<sup>-1</sup> &minus; (H<sub>R<sub>j</sub></sub> + &delta;I)<sup>-1</sup>)&nabla;L<sub>R<sub>j</sub></sub>&Vert;,
 * which grows with the share deleted (H<sub>R</sub> &minus; H<sub>S</sub> is O(n<sub>f</sub>/n)).
 *
 * <p><b>Optional corrections.</b> (1) {@link Options#correctionIterations()} = k &gt; 0 runs k
 * iterations of conjugate gradients on the exact retain curvature at &theta;<sub>0</sub> (the Hessian
 * for CHOLESKY, the Gauss-Newton matrix for the other methods; plus &delta;I), preconditioned by
 * C<sup>-1</sup> and started from zero, whose first iterate is already the optimally scaled plain step
 * C<sup>-1</sup>&nabla;L<sub>R</sub>. Each iteration costs one curvature-vector product on the n<sub>r</sub>
 * retain rows (about two gradient-equivalents) plus one forward pass on them per request, so a
 * corrected request costs about 2k + 1 gradient-equivalents instead of n<sub>new</sub>/n: counted in the
 * result's HVPs, not its gradient-equivalents. (2) {@link Options#reprepareFraction()} = f &lt; 1:
 * when a request would take the rows deleted since the last preparation past a fraction f of the
 * prepared set, the deleter first prepares again at the current &theta; on the current set (a new
 * &theta;<sub>0</sub>, S, gradient and curvature; the cost of a preparation, added to that request).
 * This bounds both error terms above by what a share f causes, at the price of one preparation per
 * f&middot;n deleted rows; the new base is the last served &theta;, not an exact minimiser, and its
 * residual is carried exactly by the cached gradient.
 *
 * <p>Curvatures: {@link Method#CHOLESKY} the exact Hessian (dense, p &le; 5000, convex models),
 * {@link Method#NYSTROM} and {@link Method#LANCZOS} a rank-r approximation of the Gauss-Newton matrix
 * inverted by Woodbury, {@link Method#FISHER} the damped empirical Fisher of m training rows,
 * inverted exactly by Woodbury. Not thread-safe (it holds the deleted rows and the running sums);
 * the caller's &theta; and data are never modified; a non-finite &theta; is rejected at preparation,
 * and NaN in a model's gradients propagates to the returned &theta;.
 */
public final class AmortizedDeleter {

  /** How the curvature is prepared. */
  public enum Method {
    /** The exact Hessian, kept as an explicit dense inverse (one gemv per apply; p &le; 5000). */
    CHOLESKY,
    /** {@link CurvatureInverse}'s GGN with LOWRANK (a Nystr&ouml;m sketch of rank {@code rank}). */
    NYSTROM,
    /** {@link CurvatureInverse}'s GGN with LOWRANK_LANCZOS (the top {@code rank} eigenpairs). */
    LANCZOS,
    /** {@link CurvatureInverse}'s FISHER of {@code rank} sampled rows with DIRECT (Woodbury). */
    FISHER
  }

  /**
   * Preparation settings.
   *
   * @param method the curvature and its inverse
   * @param damping &delta; &ge; 0 added to the curvature (the low-rank methods need &lambda; + &delta; &gt; 0)
   * @param rank sketch rank r (NYSTROM, LANCZOS) or Fisher rows m (FISHER)
   * @param seed seed of the sketch or the Fisher sample
   * @param correctionIterations preconditioned CG iterations on the exact retain curvature per
   *     request, &ge; 0 (default 0: the plain amortised step)
   * @param reprepareFraction in (0, 1]: prepare again when the rows deleted since the last
   *     preparation would exceed this share of the prepared set (default 1: never)
   */
  public record Options(Method method, double damping, int rank, long seed,
      int correctionIterations, double reprepareFraction) {
    public Options {
      InvalidInputException.check(method != null, "method must not be null");
      InvalidInputException.check(damping >= 0 && Double.isFinite(damping),
          "damping (%s) must be >= 0 and finite", damping);
      InvalidInputException.check(rank >= 1, "rank (%d) must be >= 1", rank);
      InvalidInputException.check(correctionIterations >= 0,
          "correctionIterations (%d) must be >= 0", correctionIterations);
      InvalidInputException.check(reprepareFraction > 0 && reprepareFraction <= 1,
          "reprepareFraction (%s) must be in (0, 1]", reprepareFraction);
    }

    /** Settings without corrections and without re-preparation. */
    public Options(Method method, double damping, int rank, long seed) {
      this(method, damping, rank, seed, 0, 1.0);
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

    /** The same settings with k preconditioned CG iterations per request. */
    public Options withCorrection(int iterations) {
      return new Options(method, damping, rank, seed, iterations, reprepareFraction);
    }

    /** The same settings with re-preparation past a share f of deletions. */
    public Options withReprepareFraction(double fraction) {
      return new Options(method, damping, rank, seed, correctionIterations, fraction);
    }
  }

  /**
   * One served request.
   *
   * @param parameters the updated &theta; (a new array)
   * @param cost this request's cost (gradient-equivalents relative to the original n; HVPs are the
   *     correction's curvature products, the apply of the prepared inverse is not counted as one)
   * @param rows the deleted rows (indices of the original training set, ascending)
   * @param remaining rows still in the training set after this request
   * @param reprepared whether the curvature was prepared again before this request
   * @param correctionResidual the relative residual &Vert;b &minus; A x&Vert;/&Vert;b&Vert; of the
   *     corrected step in the exact retain curvature A, or NaN when no correction ran
   */
  public record DeletionResult(INDArray parameters, Cost cost, int[] rows, int remaining,
      boolean reprepared, double correctionResidual) {
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
  private final Options options;
  private final boolean[] deleted;
  private final Cost preparation;
  private int remaining;
  private INDArray theta;
  private int preparations;
  // the base of the current preparation: theta_0, the prepared set S (n_b rows), n_b grad L_S(theta_0)
  // and the running sum over the rows deleted since, sum (grad l_i(theta_0) + l2 theta_0), in double
  private INDArray base;
  private int baseRows;
  private int deletedSinceBase;
  private INDArray scaledBaseGradient;
  private INDArray forgetSum;
  private PreparedInverse inverse; // C^-1 of the low-rank and Fisher methods
  private INDArray denseInverse; // C^-1 = L^-T L^-1 for C = L L^T (CHOLESKY): one gemv per apply
  // CHOLESKY with n p <= INFLUENCE_LIMIT: for every original training row i, its term
  // g_i = grad l_i(theta_0) + l2 theta_0 (rows of `terms`, n x p) and C^-1 g_i (columns of
  // `influence`, p x n), computed once per preparation. The step is linear in these fixed terms,
  // C^-1 grad L_R(theta_0) = (C^-1 n_b grad L_S(theta_0) - sum_F C^-1 g_i) / n_r, so a request then
  // sums |F_new| columns and evaluates nothing: O(|F_new| p) work instead of a gradient and a
  // p x p product.
  static final long INFLUENCE_LIMIT = 1L << 24;
  private INDArray terms;
  private INDArray influence;
  private double[] inverseBaseGradient;
  private double[] inverseForgetSum;

  private AmortizedDeleter(Model model, Dataset train, INDArray theta, Options options) {
    this.model = model;
    this.train = train;
    this.options = options;
    this.theta = theta;
    this.deleted = new boolean[train.size()];
    this.remaining = train.size();
    Cost.Meter meter = new Cost.Meter(train.size());
    rebase(meter);
    this.preparation = meter.stop();
  }

  /**
   * Prepares the curvature inverse of {@code model} at {@code theta} on {@code train}, and caches the
   * full-set gradient there.
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
    InvalidInputException.check(options.method() != Method.CHOLESKY || p <= 5000,
        "p (%d) must be <= 5000 for CHOLESKY", p);
    double floor = model.l2() + options.damping();
    InvalidInputException.check(options.method() == Method.CHOLESKY || floor > 0,
        "l2 + damping (%s) must be > 0 for %s", floor, options.method());
    return new AmortizedDeleter(model, train, theta.dup(), options);
  }

  /** Prepares at the current theta on the rows not deleted so far. */
  private void rebase(Cost.Meter meter) {
    int[] keep = retainRows();
    Dataset set = train.rows(keep);
    ModelPoint at = model.at(theta, set);
    INDArray g = at.gradient().castTo(DataType.DOUBLE);
    meter.gradient(keep.length);
    scaledBaseGradient = g.muli(keep.length);
    forgetSum = Nd4j.zeros(DataType.DOUBLE, scaledBaseGradient.length());
    denseInverse = null;
    inverse = prepareInverse(at, set, meter);
    terms = null;
    influence = null;
    int p = model.numParameters();
    if (denseInverse != null && (long) train.size() * p <= INFLUENCE_LIMIT) {
      INDArray all = model.at(theta, train).perExampleGradients().castTo(DataType.DOUBLE).dup('c');
      meter.gradient(train.size());
      all.addiRowVector(theta.castTo(DataType.DOUBLE).mul(model.l2()));
      influence = Nd4j.create(DataType.DOUBLE, new long[] {p, train.size()}, 'f');
      Nd4j.gemm(denseInverse, all, influence, false, true, 1.0, 0.0);
      terms = all;
      inverseBaseGradient = applyInverse(scaledBaseGradient).toDoubleVector();
      inverseForgetSum = new double[p];
    }
    base = theta.dup();
    baseRows = keep.length;
    deletedSinceBase = 0;
    preparations++;
  }

  /** This deleter's options in the vocabulary of the shared curvature-inverse factory. */
  private CurvatureInverse.Options factoryOptions() {
    return CurvatureInverse.Options.defaults().withDamping(options.damping())
        .withRank(options.rank()).withSeed(options.seed());
  }

  private PreparedInverse prepareInverse(ModelPoint at, Dataset set, Cost.Meter meter) {
    int p = model.numParameters();
    double delta = options.damping();
    switch (options.method()) {
      case CHOLESKY -> {
        // C = L L^T; keep C^-1 = L^-T L^-1 densely (symmetric, computed once) so that each apply is
        // one matrix-vector product: two triangular solves or two products with L^-1 cost twice
        // the memory traffic, and the apply dominates a request (JMH DeletionBenchmark)
        CurvatureOperator h = Operators.hessian(at);
        INDArray dense = (delta > 0 ? h.damped(delta) : h).toDense().castTo(DataType.DOUBLE);
        meter.hvps(h.matvecs());
        INDArray l = Factorizations.cholesky(dense, "the Hessian + damping");
        INDArray lowerInverse = Factorizations.lowerSolve(l, Nd4j.eye(p).castTo(DataType.DOUBLE));
        denseInverse = Nd4j.create(DataType.DOUBLE, new long[] {p, p}, 'f');
        Nd4j.gemm(lowerInverse, lowerInverse, denseInverse, true, false, 1.0, 0.0);
        return null;
      }
      case NYSTROM, LANCZOS -> {
        // the Gauss-Newton matrix, sketched and inverted by Woodbury: the shared factory
        return CurvatureInverse.prepare(at, CurvatureInverse.Curvature.GGN,
            options.method() == Method.NYSTROM ? CurvatureInverse.Inverse.LOWRANK
                : CurvatureInverse.Inverse.LOWRANK_LANCZOS, factoryOptions(), meter);
      }
      case FISHER -> {
        // the empirical Fisher of `rank` sampled rows, inverted exactly by Woodbury
        return CurvatureInverse.prepare(at, CurvatureInverse.Curvature.FISHER,
            CurvatureInverse.Inverse.DIRECT, factoryOptions().withFisherRows(
                Math.min(options.rank(), set.size())), meter);
      }
      default -> throw new IllegalStateException();
    }
  }

  /** C<sup>-1</sup> b for a double vector b, as a new double vector. */
  private INDArray applyInverse(INDArray b) {
    if (denseInverse != null) {
      long p = b.length();
      INDArray col = b.reshape(p, 1).dup('f');
      INDArray x = Nd4j.create(DataType.DOUBLE, new long[] {p, 1}, 'f');
      Nd4j.gemm(denseInverse, col, x, false, false, 1.0, 0.0);
      return x.reshape(p);
    }
    return inverse.solve(b.castTo(model.dataType())).castTo(DataType.DOUBLE);
  }

  private int[] retainRows() {
    int[] keep = new int[remaining];
    int k = 0;
    for (int i = 0; i < deleted.length; i++) {
      if (!deleted[i]) {
        keep[k++] = i;
      }
    }
    return keep;
  }

  /** What the first preparation cost (HVPs or per-example gradients, the full gradient, wall time). */
  public Cost preparationCost() {
    return preparation;
  }

  /** How many times the curvature has been prepared (1 + the re-preparations). */
  public int preparations() {
    return preparations;
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
   * Deletes these rows (indices of the original training set): &theta; &larr; &theta;<sub>0</sub>
   * &minus; C<sup>-1</sup>&nabla;L<sub>R</sub>(&theta;<sub>0</sub>) for the rows R left after all requests so
   * far, with the optional correction and re-preparation of {@link Options}.
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
    boolean reprepared = false;
    if (deletedSinceBase > 0
        && deletedSinceBase + sorted.length > options.reprepareFraction() * baseRows) {
      rebase(meter);
      reprepared = true;
    }
    if (influence != null) {
      // the precomputed terms of the new rows: no model evaluation (see INFLUENCE_LIMIT)
      DoubleBuffer inf = influence.data().asNioDouble();
      DoubleBuffer g = terms.data().asNioDouble();
      DoubleBuffer sum = forgetSum.data().asNioDouble();
      int p = inverseForgetSum.length;
      for (int i : sorted) {
        int from = i * p;
        for (int j = 0; j < p; j++) {
          inverseForgetSum[j] += inf.get(from + j);
          sum.put(j, sum.get(j) + g.get(from + j));
        }
      }
    } else {
      // the new rows' share of the running sum: |new| grad L_new(theta_0) = sum (grad l_i + l2 theta_0)
      INDArray gNew = model.gradient(base, train.rows(sorted)).castTo(DataType.DOUBLE);
      meter.gradient(sorted.length);
      Vectors.axpy(sorted.length, gNew, forgetSum);
    }
    for (int i : sorted) {
      deleted[i] = true;
    }
    remaining = after;
    deletedSinceBase += sorted.length;
    int nr = baseRows - deletedSinceBase;
    if (influence != null && options.correctionIterations() == 0) {
      double[] t = base.toDoubleVector();
      for (int j = 0; j < t.length; j++) {
        t[j] -= (inverseBaseGradient[j] - inverseForgetSum[j]) / nr;
      }
      theta = Nd4j.createFromArray(t).castTo(model.dataType());
      return new DeletionResult(theta, meter.stop(), sorted, remaining, reprepared, Double.NaN);
    }
    INDArray retainGradient = scaledBaseGradient.sub(forgetSum).divi(nr); // grad L_R(theta_0)
    double residual = Double.NaN;
    INDArray step;
    if (options.correctionIterations() == 0) {
      step = applyInverse(retainGradient);
    } else {
      double[] res = new double[1];
      step = correctedStep(retainGradient, meter, res);
      residual = res[0];
    }
    theta = base.castTo(DataType.DOUBLE).sub(step).castTo(model.dataType());
    return new DeletionResult(theta, meter.stop(), sorted, remaining, reprepared, residual);
  }

  /**
   * k iterations of CG on (H<sub>R</sub>(&theta;<sub>0</sub>) + &delta;I) x = b preconditioned by the
   * prepared inverse, from x = 0; returns x in double, and the relative residual in {@code res[0]}.
   */
  private INDArray correctedStep(INDArray b, Cost.Meter meter, double[] res) {
    DataType type = model.dataType();
    ModelPoint at = model.at(base, train.rows(retainRows()));
    CurvatureOperator exact = options.method() == Method.CHOLESKY ? Operators.hessian(at)
        : Operators.gaussNewton(at);
    if (options.damping() > 0) {
      exact = exact.damped(options.damping());
    }
    double bNorm = Vectors.norm(b);
    INDArray x = Nd4j.zeros(DataType.DOUBLE, b.length());
    INDArray r = b.dup();
    INDArray z = applyInverse(r);
    INDArray d = z.dup();
    double rz = Vectors.dot(r, z);
    for (int it = 0; it < options.correctionIterations() && rz > 0; it++) {
      INDArray ad = exact.apply(d.castTo(type)).castTo(DataType.DOUBLE);
      meter.hvps(1).iterations(1);
      double dad = Vectors.dot(d, ad);
      if (!(dad > 0)) {
        if (it == 0) {
          x = z; // non-positive curvature along the plain step: keep the plain step
        }
        break;
      }
      double alpha = rz / dad;
      Vectors.axpy(alpha, d, x);
      Vectors.axpy(-alpha, ad, r);
      if (it + 1 == options.correctionIterations()) {
        break;
      }
      z = applyInverse(r);
      double next = Vectors.dot(r, z);
      Vectors.scal(next / rz, d);
      Vectors.axpy(1.0, z, d);
      rz = next;
    }
    res[0] = bNorm == 0 ? 0 : Vectors.norm(r) / bNorm;
    return x;
  }
}

package dev.unlearn.hessian.service;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Logits;
import dev.unlearn.hessian.estimate.Nystrom;
import dev.unlearn.hessian.estimate.NystromApproximation;
import dev.unlearn.hessian.internal.DenseSpd;
import dev.unlearn.hessian.operator.CurvatureOperator;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.solve.ConjugateGradient;
import dev.unlearn.hessian.solve.NystromPreconditioner;
import dev.unlearn.hessian.solve.SolverResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A deletion service: one trained model, its curvature prepared once, and a stream of deletion
 * requests, each answered by the exact Newton step on the data that remains (for logistic
 * regression with its exact Hessian; for other models, networks, with their Gauss-Newton matrix),
 * and each appended to a {@link DeletionJournal} when one is given.
 *
 * <pre>{@code
 * try (DeletionJournal journal = DeletionJournal.open(Path.of("deletions.jsonl"))) {
 *   DeletionService service = DeletionService.prepare(model, theta, train, 0.0, journal);
 *   DeletionService.Receipt r = service.delete("request-17", 14, 230, 977);
 *   INDArray now = r.parameters();
 * }
 * }</pre>
 *
 * <p><b>The step.</b> With the model's mean objective L<sub>X</sub>(&theta;) =
 * (1/|X|)&Sigma;<sub>X</sub>&ell;<sub>i</sub>(&theta;) + (&lambda;/2)&Vert;&theta;&Vert;&sup2;, the prepared point
 * &theta;<sub>0</sub>, the rows deleted so far F (requests are sequential: each deletes from what the
 * previous ones left) and R the n<sub>r</sub> rows that remain, request j returns &theta;<sub>j</sub> =
 * &theta;<sub>0</sub> &minus; (H<sub>R</sub>(&theta;<sub>0</sub>) + &delta;I)<sup>&minus;1</sup>&nabla;L<sub>R</sub>(&theta;<sub>0</sub>):
 * the cold Newton step from &theta;<sub>0</sub> on the remaining rows, with their exact Hessian
 * (logistic regression) or their Gauss-Newton matrix in place of H (other models).
 * Nothing accumulates between requests; each result is as good as one exact Newton step from the
 * trained model.
 *
 * <p><b>How, logistic regression.</b> Preparation sums every row's curvature factors into the dense
 * p &times; p matrix S = &Sigma;<sub>i</sub> U<sub>i</sub>U<sub>i</sub><sup>T</sup> (for softmax regression
 * U<sub>i</sub> = x&#771;<sub>i</sub> &otimes; C<sub>i</sub> with C<sub>i</sub>C<sub>i</sub><sup>T</sup> =
 * diag(s<sub>i</sub>) &minus; s<sub>i</sub>s<sub>i</sub><sup>T</sup>, so that S/n + &lambda;I is the Hessian
 * exactly) and the sum of the rows' gradients. A request subtracts its rows' own factors from S (a
 * rank-k&middot;|rows| downdate, one {@code dsyrk}) and their gradients from the sum, then solves
 * (S<sub>R</sub> + n<sub>r</sub>&mu;I)z = &Sigma;<sub>R</sub>&nabla;&ell;<sub>i</sub> + n<sub>r</sub>&lambda;&theta;<sub>0</sub> by
 * a Cholesky factorisation and one step of iterative refinement, so &theta;<sub>j</sub> = &theta;<sub>0</sub>
 * &minus; z (&mu; = &lambda; + &delta;). The shift n<sub>r</sub>&mu; changes with every request, so the
 * factorisation is made anew each time: O(p&sup3;/3) a request, against O(p&sup2;k&middot;|rows|) for
 * the downdate. On the CPU backend all of it runs in OpenBLAS and LAPACKE on the arrays' own buffers
 * ({@link DenseSpd}). Dense: p &le; {@value #MAX_DIMENSION}; memory 24p&sup2; bytes.
 *
 * <p><b>How, other models (networks).</b> The curvature is the generalised Gauss-Newton matrix,
 * which is a sum of per-row factors J<sub>i</sub><sup>T</sup>H<sub>i</sub>J<sub>i</sub> like the softmax
 * Hessian, so deleting rows removes exactly their factors; with p in the thousands it is not formed.
 * A request solves (G<sub>R</sub>(&theta;<sub>0</sub>) + &delta;I)z = &nabla;L<sub>R</sub>(&theta;<sub>0</sub>) by
 * conjugate gradients with Gauss-Newton products over the remaining rows, to a relative residual
 * of {@value #GN_TOLERANCE}, preconditioned by a Nystr&ouml;m sketch of every row's Gauss-Newton
 * matrix made once at preparation (rank {@value #GN_RANK}): the exact Gauss-Newton step on the
 * remaining rows, to that tolerance. The model's Gauss-Newton products must be available.
 *
 * <p>Models in float64. A request that fails (a curvature that is not positive definite, a solve
 * that does not converge, a journal that cannot be written) leaves the service as it was. A service
 * starts from the trained model with nothing deleted: it does not resume a journal's earlier
 * requests. Not thread-safe; the caller's &theta; and data are never modified.
 */
public final class DeletionService {
  /** The largest p the dense curvature is formed for (logistic regression). */
  public static final int MAX_DIMENSION = 5000;
  /** Relative residual of the Gauss-Newton solves (models other than logistic regression). */
  public static final double GN_TOLERANCE = 1e-10;
  /** Rank of the Gauss-Newton solves' Nystr&ouml;m preconditioner (capped at p). */
  public static final int GN_RANK = 64;
  private static final int GN_MAX_ITERATIONS = 100_000;
  private static final long GN_SEED = 0x5e7L;

  private final Model model;
  private final Dataset train;
  private final DeletionJournal journal;
  private final int n;
  private final int p;
  private final int k;
  private final double mu;
  private final double damping;
  private final INDArray theta0;
  private final double[] theta0Values;
  private Engine engine;
  // What a request changes, replaced together only when it has succeeded (journal included).
  private double[] gradientSum; // Σ_R ∇ℓ_i(θ0)
  private BitSet deleted = new BitSet();
  private INDArray current;

  private DeletionService(Model model, INDArray theta0, Dataset train, double damping,
      DeletionJournal journal) {
    this.model = model;
    this.train = train;
    this.journal = journal;
    this.n = train.size();
    this.p = model.numParameters();
    this.k = model.numClasses();
    this.damping = damping;
    this.mu = model.l2() + damping;
    this.theta0 = theta0.castTo(DataType.DOUBLE).dup().reshape(p);
    this.theta0Values = this.theta0.toDoubleVector();
    this.current = this.theta0.dup();
  }

  /** How the curvature of the remaining rows is inverted, per model family. */
  private interface Engine {
    /**
     * The step z of the Newton system (H<sub>R</sub>(&theta;0) + &delta;I) z = g for the rows that
     * would remain after {@code gone}, g = &nabla;L<sub>R</sub>(&theta;0); {@code commit} makes its
     * state the service's, and is run only once the request has succeeded.
     */
    Solved solve(int[] rows, BitSet gone, int left, double[] g);

    /** The solver, as the journal names it. */
    String describe();

    /** The method, as the journal names it. */
    String method();
  }

  private record Solved(double[] step, double relativeResidual, int iterations, Runnable commit) {}

  /**
   * Prepares the service for {@code model} trained to {@code theta} on {@code train}.
   *
   * @param damping &delta; &ge; 0 added to the curvature (0: the exact Newton step)
   * @param journal where served requests are recorded, or null for none
   * @throws InvalidInputException for logistic regression with p &gt; {@link #MAX_DIMENSION}, a
   *     model not in float64, &lambda; + &delta; = 0, or a θ of the wrong length or not finite
   */
  public static DeletionService prepare(Model model, INDArray theta, Dataset train,
      double damping, DeletionJournal journal) {
    InvalidInputException.check(model != null, "model must not be null");
    InvalidInputException.check(train != null && train.size() > 1, "train must have > 1 rows");
    InvalidInputException.check(theta != null && theta.length() == model.numParameters(),
        "theta length (%s) must be the number of parameters (%d)",
        theta == null ? null : theta.length(), model.numParameters());
    InvalidInputException.check(model.dataType() == DataType.DOUBLE, "model data type (%s) must "
        + "be DOUBLE: the service's steps and the journal's parameter hashes are float64",
        model.dataType());
    InvalidInputException.check(!(model instanceof LogisticRegression)
        || model.numParameters() <= MAX_DIMENSION, "p (%d) must be <= %d for the dense curvature "
        + "of logistic regression", model.numParameters(), MAX_DIMENSION);
    InvalidInputException.check(damping >= 0 && Double.isFinite(damping),
        "damping (%s) must be >= 0 and finite", damping);
    InvalidInputException.check(model.l2() + damping > 0, "l2 + damping (%s) must be > 0: the "
        + "remaining rows' curvature alone can be singular", model.l2() + damping);
    InvalidInputException.check(train.numFeatures() == model.numInputs()
        && train.numClasses() == model.numClasses(), "train (%d features, %d classes) must match "
        + "the model (%d, %d)", train.numFeatures(), train.numClasses(), model.numInputs(),
        model.numClasses());
    double[] t = theta.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    for (double v : t) {
      InvalidInputException.check(Double.isFinite(v), "theta must be finite");
    }
    DeletionService s = new DeletionService(model, theta, train, damping, journal);
    s.engine = model instanceof LogisticRegression ? s.new SoftmaxDense() : s.new GaussNewtonPcg();
    // Σ_i ∇ℓ_i(θ0) = n (∇L(θ0) − λθ0)
    double[] g = model.at(s.theta0, train).gradient().castTo(DataType.DOUBLE).toDoubleVector();
    s.gradientSum = new double[s.p];
    for (int j = 0; j < s.p; j++) {
      s.gradientSum[j] = s.n * (g[j] - model.l2() * s.theta0Values[j]);
    }
    return s;
  }

  /**
   * Softmax regression: the dense sum of every row's exact curvature factors, downdated by the
   * deleted rows' factors and factorised by Cholesky for each request.
   */
  private final class SoftmaxDense implements Engine {
    private final double[][] probabilities; // n x k, at theta0
    private final INDArray factorBuffer = DenseSpd.square(p); // the Cholesky factor
    private INDArray curvature = DenseSpd.square(p); // S_R, lower triangle authoritative
    private INDArray next = DenseSpd.square(p); // the next S_R

    SoftmaxDense() {
      probabilities = Logits.softmax(Logits.rows(
          model.logits(theta0, train.features(DataType.DOUBLE))));
      int block = Math.max(1, 2048 / k);
      for (int from = 0; from < n; from += block) {
        int[] rows = java.util.stream.IntStream.range(from, Math.min(n, from + block)).toArray();
        DenseSpd.rankUpdate(curvature, factors(rows), 1.0);
      }
    }

    @Override
    public Solved solve(int[] rows, BitSet gone, int left, double[] g) {
      next.assign(curvature);
      int block = Math.max(1, 2048 / k); // the factors of a large request, a block of rows at a time
      for (int from = 0; from < rows.length; from += block) {
        DenseSpd.rankUpdate(next,
            factors(Arrays.copyOfRange(rows, from, Math.min(rows.length, from + block))), -1.0);
      }
      DenseSpd.Factor factor = DenseSpd.factor(next, left * mu, factorBuffer,
          "the remaining rows' curvature plus " + left + " x (l2 + damping)");
      // (S_R + n_r μ) z = n_r g: the mean objective's Newton system times n_r
      double[] rhs = new double[p];
      for (int j = 0; j < p; j++) {
        rhs[j] = left * g[j];
      }
      double[] z = factor.solve(rhs);
      return new Solved(z, factor.relativeResidual(), 0, () -> {
        INDArray spare = curvature;
        curvature = next;
        next = spare;
      });
    }

    @Override
    public String method() {
      return "newton-downdate";
    }

    @Override
    public String describe() {
      return DenseSpd.isNative() ? "dense downdate, Cholesky (OpenBLAS LAPACKE) + 1 refinement"
          : "dense downdate, Cholesky (ND4J) + 1 refinement";
    }

    /**
     * The rows' curvature factors at θ0, p x (k·rows): for row i the k columns x̃_i ⊗ C_i with
     * C_i = diag(√s) − s √s^T (so C_i C_i^T = diag(s) − s s^T), θ laid out as [W (d x k), b].
     */
    private INDArray factors(int[] rows) {
      int d = train.numFeatures();
      double[] x = train.rows(rows).features(DataType.DOUBLE).dup('c').data().asDouble();
      double[] f = new double[p * k * rows.length]; // row-major p x (k·rows)
      int cols = k * rows.length;
      double[] c = new double[k * k];
      for (int r = 0; r < rows.length; r++) {
        int i = rows[r];
        for (int a = 0; a < k; a++) {
          double sa = probabilities[i][a];
          for (int b = 0; b < k; b++) {
            double sb = probabilities[i][b];
            c[a * k + b] = (a == b ? Math.sqrt(sa) : 0) - sa * Math.sqrt(sb);
          }
        }
        for (int feature = 0; feature <= d; feature++) {
          double xv = feature == d ? 1 : x[r * d + feature];
          if (xv == 0) {
            continue;
          }
          for (int a = 0; a < k; a++) {
            int row = feature * k + a;
            for (int b = 0; b < k; b++) {
              f[row * cols + r * k + b] = xv * c[a * k + b];
            }
          }
        }
      }
      return Nd4j.create(f, new long[] {p, cols}, 'c');
    }
  }

  /**
   * Any other model: the Gauss-Newton matrix of the remaining rows at &theta;0 (their own
   * Gauss-Newton factors J<sub>i</sub><sup>T</sup>H<sub>i</sub>J<sub>i</sub> summed, which is what deleting
   * rows downdates), solved by conjugate gradients to {@value #GN_TOLERANCE} with products over the
   * remaining rows, preconditioned by a Nystr&ouml;m sketch (rank {@value #GN_RANK}) of every row's
   * Gauss-Newton matrix prepared once.
   */
  private final class GaussNewtonPcg implements Engine {
    private final NystromPreconditioner preconditioner;

    GaussNewtonPcg() {
      CurvatureOperator all = Operators.gaussNewton(model.withL2(0).at(theta0, train));
      NystromApproximation sketch = Nystrom.approximate(all, Math.min(GN_RANK, p), GN_SEED);
      preconditioner = new NystromPreconditioner(sketch, mu);
    }

    @Override
    public Solved solve(int[] rows, BitSet gone, int left, double[] g) {
      CurvatureOperator op = Operators.gaussNewton(
          model.at(theta0, train.without(gone.stream().toArray())));
      if (damping > 0) {
        op = op.damped(damping);
      }
      SolverResult r = ConjugateGradient.solve(op, Nd4j.createFromArray(g), null, preconditioner,
          GN_TOLERANCE, GN_MAX_ITERATIONS);
      return new Solved(r.solution().castTo(DataType.DOUBLE).toDoubleVector(),
          r.relativeResidual(), r.iterations(), () -> { });
    }

    @Override
    public String method() {
      return "gauss-newton-downdate";
    }

    @Override
    public String describe() {
      return "Gauss-Newton of the remaining rows, CG to " + GN_TOLERANCE
          + " preconditioned by a Nystrom sketch of rank " + Math.min(GN_RANK, p);
    }
  }

  /**
   * One served request.
   *
   * @param requestId the caller's id
   * @param parameters θ after the request (a new array)
   * @param rows the rows it deleted (indices of the training set given to {@link #prepare})
   * @param remaining rows left
   * @param cost its cost (wall time; gradient-equivalents of the forward pass on its rows)
   * @param relativeResidual &Vert;b &minus; Az&Vert;/&Vert;b&Vert; of its solve (after refinement for the
   *     dense solve)
   * @param iterations conjugate-gradient iterations of its solve (0 for the dense solve)
   * @param verification forget-set loss and accuracy of its rows before and after
   */
  public record Receipt(String requestId, INDArray parameters, int[] rows, int remaining, Cost cost,
      double relativeResidual, int iterations, Map<String, Double> verification) {
    @Override
    public INDArray parameters() {
      return parameters.dup();
    }

    @Override
    public int[] rows() {
      return rows.clone();
    }
  }

  /** θ after the requests served so far (θ0 before any). */
  public INDArray parameters() {
    return current.dup();
  }

  /** Rows not yet deleted. */
  public int remaining() {
    return n - deleted.cardinality();
  }

  /** Deletes these rows (indices of the training set) and answers with the new θ. */
  public Receipt delete(String requestId, int... rows) {
    InvalidInputException.check(requestId != null && !requestId.isBlank(),
        "requestId must not be blank");
    InvalidInputException.check(rows != null && rows.length > 0, "rows must not be empty");
    int[] sorted = rows.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      int r = sorted[i];
      InvalidInputException.check(r >= 0 && r < n, "row %d must be in [0, %d)", r, n);
      InvalidInputException.check(i == 0 || sorted[i - 1] != r, "row %d is listed twice", r);
      InvalidInputException.check(!deleted.get(r), "row %d was already deleted", r);
    }
    int left = remaining() - sorted.length;
    InvalidInputException.check(left >= 1, "deleting %d rows would leave none of the %d that "
        + "remain", sorted.length, remaining());
    Cost.Meter meter = new Cost.Meter(n);
    BitSet gone = (BitSet) deleted.clone();
    for (int r : sorted) {
      gone.set(r);
    }
    // the remaining rows' gradient at θ0: (Σ_R ∇ℓ_i)/n_r + λθ0
    Dataset forget = train.rows(sorted);
    double[] goneSum = model.at(theta0, forget).perExampleGradients()
        .castTo(DataType.DOUBLE).sum(0).toDoubleVector();
    meter.gradient(sorted.length);
    double[] sum = gradientSum.clone();
    double[] g = new double[p];
    for (int j = 0; j < p; j++) {
      sum[j] -= goneSum[j];
      g[j] = sum[j] / left + model.l2() * theta0Values[j];
    }
    Solved solved = engine.solve(sorted, gone, left, g);
    meter.iterations(solved.iterations());
    meter.hvps(solved.iterations() + (solved.iterations() > 0 ? 1 : 0));
    double residual = solved.relativeResidual();
    INDArray after = theta0.sub(Nd4j.createFromArray(solved.step()));
    Cost cost = meter.stop();
    Map<String, Double> verification = verify(forget, current, after);
    if (journal != null) {
      journal.append(record(requestId, sorted, left, after, cost, residual, solved.iterations(),
          verification));
    }
    solved.commit().run();
    gradientSum = sum;
    deleted = gone;
    current = after;
    return new Receipt(requestId, after.dup(), sorted, left, cost, residual, solved.iterations(),
        verification);
  }

  private JournalRecord record(String requestId, int[] rows, int left, INDArray after, Cost cost,
      double residual, int iterations, Map<String, Double> verification) {
    Map<String, String> hp = new LinkedHashMap<>();
    hp.put("damping", Double.toString(damping));
    hp.put("l2", Double.toString(model.l2()));
    hp.put("solver", engine.describe());
    hp.put("base", "theta0 (" + ParameterHash.of(theta0) + ")");
    Map<String, Double> c = new LinkedHashMap<>();
    c.put("seconds", cost.seconds());
    c.put("gradient-equivalents", cost.gradientEvaluations());
    c.put("relative-residual", residual);
    c.put("cg-iterations", (double) iterations);
    return new JournalRecord(requestId, "rows", Arrays.stream(rows).asLongStream().toArray(),
        left, engine.method(), hp, ParameterHash.of(current), ParameterHash.of(after), c, null,
        verification);
  }

  /** The forgotten rows' mean cross-entropy (no L2 term) and accuracy before and after. */
  private Map<String, Double> verify(Dataset forget, INDArray before, INDArray after) {
    Map<String, Double> v = new LinkedHashMap<>();
    double[] at = {0, 0, 0, 0};
    INDArray[] thetas = {before, after};
    for (int t = 0; t < 2; t++) {
      double[][] z = Logits.rows(model.logits(thetas[t], forget.features(DataType.DOUBLE)));
      double[] ce = Logits.crossEntropy(z, forget.labels());
      int ok = 0;
      for (int i = 0; i < z.length; i++) {
        at[t] += ce[i] / z.length;
        int best = 0;
        for (int a = 1; a < k; a++) {
          best = z[i][a] > z[i][best] ? a : best;
        }
        ok += best == forget.label(i) ? 1 : 0;
      }
      at[2 + t] = (double) ok / z.length;
    }
    v.put("forget-loss-before", at[0]);
    v.put("forget-loss-after", at[1]);
    v.put("forget-accuracy-before", at[2]);
    v.put("forget-accuracy-after", at[3]);
    return v;
  }

  /** The deleted rows so far, ascending. */
  public List<Integer> deleted() {
    List<Integer> out = new ArrayList<>();
    deleted.stream().forEach(out::add);
    return out;
  }
}

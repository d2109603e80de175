package dev.unlearn.hessian.service;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.model.Logits;
import dev.unlearn.hessian.internal.DenseSpd;
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
 * requests, each answered by the exact Newton step on the data that remains, and each appended to
 * a {@link DeletionJournal} when one is given.
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
 * the cold Newton step from &theta;<sub>0</sub> on the remaining rows, with their exact Hessian.
 * Nothing accumulates between requests; each result is as good as one exact Newton step from the
 * trained model.
 *
 * <p><b>How.</b> Preparation sums every row's curvature factors into the dense p &times; p matrix
 * S = &Sigma;<sub>i</sub> U<sub>i</sub>U<sub>i</sub><sup>T</sup> (for softmax regression U<sub>i</sub> =
 * x&#771;<sub>i</sub> &otimes; C<sub>i</sub> with C<sub>i</sub>C<sub>i</sub><sup>T</sup> = diag(s<sub>i</sub>) &minus;
 * s<sub>i</sub>s<sub>i</sub><sup>T</sup>, so that S/n + &lambda;I is the Hessian exactly) and the sum of the
 * rows' gradients. A request subtracts its rows' own factors from S (a rank-k&middot;|rows| downdate,
 * one {@code dsyrk}) and their gradients from the sum, then solves (S<sub>R</sub> + n<sub>r</sub>&mu;I)z =
 * &Sigma;<sub>R</sub>&nabla;&ell;<sub>i</sub> + n<sub>r</sub>&lambda;&theta;<sub>0</sub> by a Cholesky factorisation
 * and one step of iterative refinement, so &theta;<sub>j</sub> = &theta;<sub>0</sub> &minus; z (&mu; = &lambda; +
 * &delta;). The shift n<sub>r</sub>&mu; changes with every request, so the factorisation is made anew each
 * time: O(p&sup3;/3) a request, against O(p&sup2;k&middot;|rows|) for the downdate. On the CPU backend all
 * of it runs in OpenBLAS and LAPACKE on the arrays' own buffers ({@link DenseSpd}).
 *
 * <p>Models: {@link LogisticRegression} in float64 (its per-row curvature factors are exact and
 * closed-form). Dense: p &le; 5000; memory 24p&sup2; bytes (S, the next S and the factor) and the
 * n &times; k probabilities. A request that fails (a matrix that is not positive definite, a journal
 * that cannot be written) leaves the service as it was. A service starts from the trained model
 * with nothing deleted: it does not resume a journal's earlier requests. Not thread-safe; the
 * caller's &theta; and data are never modified.
 */
public final class DeletionService {
  /** The largest p the dense curvature is formed for. */
  public static final int MAX_DIMENSION = 5000;

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
  private final double[][] probabilities; // n x k, at theta0
  private final INDArray factorBuffer; // p x p scratch for the Cholesky factor
  // What a request changes, replaced together only when it has succeeded (journal included).
  private INDArray curvature; // S_R, p x p, lower triangle authoritative
  private INDArray next; // p x p scratch for the next S_R
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
    this.curvature = DenseSpd.square(p);
    this.next = DenseSpd.square(p);
    this.factorBuffer = DenseSpd.square(p);
    this.probabilities = Logits.softmax(Logits.rows(
        model.logits(this.theta0, train.features(DataType.DOUBLE))));
  }

  /**
   * Prepares the service for {@code model} trained to {@code theta} on {@code train}.
   *
   * @param damping &delta; &ge; 0 added to the curvature (0: the exact Newton step)
   * @param journal where served requests are recorded, or null for none
   * @throws InvalidInputException for a model other than logistic regression, p &gt; {@link
   *     #MAX_DIMENSION}, &lambda; + &delta; = 0, or a θ of the wrong length or not finite
   */
  public static DeletionService prepare(Model model, INDArray theta, Dataset train,
      double damping, DeletionJournal journal) {
    InvalidInputException.check(model instanceof LogisticRegression, "model (%s) must be "
        + "logistic regression: the service needs exact per-row curvature factors",
        model == null ? null : model.name());
    InvalidInputException.check(train != null && train.size() > 1, "train must have > 1 rows");
    InvalidInputException.check(theta != null && theta.length() == model.numParameters(),
        "theta length (%s) must be the number of parameters (%d)",
        theta == null ? null : theta.length(), model.numParameters());
    InvalidInputException.check(model.dataType() == DataType.DOUBLE, "model data type (%s) must "
        + "be DOUBLE: the service's steps and the journal's parameter hashes are float64",
        model.dataType());
    InvalidInputException.check(model.numParameters() <= MAX_DIMENSION,
        "p (%d) must be <= %d for the dense curvature", model.numParameters(), MAX_DIMENSION);
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
    s.prepareCurvature();
    return s;
  }

  private void prepareCurvature() {
    int block = Math.max(1, 2048 / k);
    for (int from = 0; from < n; from += block) {
      int[] rows = java.util.stream.IntStream.range(from, Math.min(n, from + block)).toArray();
      DenseSpd.rankUpdate(curvature, factors(rows), 1.0);
    }
    gradientSum = model.at(theta0, train).perExampleGradients().castTo(DataType.DOUBLE).sum(0)
        .toDoubleVector();
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

  /**
   * One served request.
   *
   * @param requestId the caller's id
   * @param parameters θ after the request (a new array)
   * @param rows the rows it deleted (indices of the training set given to {@link #prepare})
   * @param remaining rows left
   * @param cost its cost (wall time; gradient-equivalents of the forward pass on its rows)
   * @param relativeResidual &Vert;b &minus; Az&Vert;/&Vert;b&Vert; of its solve after refinement
   * @param verification forget-set loss and accuracy of its rows before and after
   */
  public record Receipt(String requestId, INDArray parameters, int[] rows, int remaining, Cost cost,
      double relativeResidual, Map<String, Double> verification) {
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
    INDArray u = factors(sorted);
    next.assign(curvature);
    DenseSpd.rankUpdate(next, u, -1.0);
    DenseSpd.Factor factor = DenseSpd.factor(next, left * mu, factorBuffer,
        "the remaining rows' curvature plus " + left + " x (l2 + damping)");
    // (S_R + n_r μ) z = Σ_R ∇ℓ_i + n_r λ θ0, the mean objective's Newton system times n_r
    double[] goneSum = model.at(theta0, train.rows(sorted)).perExampleGradients()
        .castTo(DataType.DOUBLE).sum(0).toDoubleVector();
    double[] sum = gradientSum.clone();
    double[] rhs = new double[p];
    for (int j = 0; j < p; j++) {
      sum[j] -= goneSum[j];
      rhs[j] = sum[j] + left * model.l2() * theta0Values[j];
    }
    meter.gradient(sorted.length);
    double[] z = factor.solve(rhs);
    double residual = factor.relativeResidual();
    INDArray after = theta0.sub(Nd4j.createFromArray(z));
    Cost cost = meter.stop();
    Map<String, Double> verification = verify(train.rows(sorted), current, after);
    if (journal != null) {
      journal.append(record(requestId, sorted, left, after, cost, residual, verification));
    }
    INDArray spare = curvature;
    curvature = next;
    next = spare;
    gradientSum = sum;
    deleted = gone;
    current = after;
    return new Receipt(requestId, after.dup(), sorted, left, cost, residual, verification);
  }

  private JournalRecord record(String requestId, int[] rows, int left, INDArray after, Cost cost,
      double residual, Map<String, Double> verification) {
    Map<String, String> hp = new LinkedHashMap<>();
    hp.put("damping", Double.toString(damping));
    hp.put("l2", Double.toString(model.l2()));
    hp.put("solver", DenseSpd.isNative() ? "Cholesky (OpenBLAS LAPACKE) + 1 refinement"
        : "Cholesky (ND4J) + 1 refinement");
    hp.put("base", "theta0 (" + ParameterHash.of(theta0) + ")");
    Map<String, Double> c = new LinkedHashMap<>();
    c.put("seconds", cost.seconds());
    c.put("gradient-equivalents", cost.gradientEvaluations());
    c.put("relative-residual", residual);
    return new JournalRecord(requestId, "rows", Arrays.stream(rows).asLongStream().toArray(),
        left, "newton-downdate", hp, ParameterHash.of(current), ParameterHash.of(after), c, null,
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

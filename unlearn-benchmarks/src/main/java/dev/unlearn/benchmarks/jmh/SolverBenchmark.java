package dev.unlearn.benchmarks.jmh;

import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.hessian.internal.Vectors;
import dev.unlearn.hessian.operator.CurvatureOperator;
import dev.unlearn.hessian.operator.EmpiricalFisherOperator;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.solve.IterationLimitException;
import dev.unlearn.hessian.solve.PreparedInverse;
import dev.unlearn.hessian.solve.Solvers;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-iteration cost of the inverse-HVP solvers at p = 650, 9 610 and 407 050 (the three
 * {@link Problem}s), on A = G + 0.01 I with G the Gauss-Newton matrix at the initial &theta; (positive
 * definite, so CG never stops on negative curvature) and b the gradient. The baseline is one
 * matvec of A ({@link #matvec}); the target is a CG iteration &le; 1.05 &times; it, allocating
 * nothing in steady state ({@code -prof gc}). Solves to a tolerance are in {@link SolveBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.HEAP, Jvm.MAX_BYTES, Jvm.MAX_PHYSICAL})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SolverBenchmark {
  /** CG iterations per {@link #cgIterations} call (the set-up of a solve is amortised over them). */
  static final int CG_ITERATIONS = 10;
  /** LiSSA steps per {@link #lissaSteps} call. */
  static final int LISSA_STEPS = 10;
  /** The damping &delta; of A = G + &delta; I. */
  static final double DAMPING = 0.01;
  /** Rank of the low-rank Woodbury inverse. */
  static final int RANK = 32;
  /** Rows of the empirical Fisher. */
  static final int FISHER_ROWS = 128;

  @Param({"DIGITS_LOGISTIC", "DIGITS_MLP", "SYNTHETIC_MLP"})
  public Problem problem;

  @Param({"float64"})
  public String dtype;

  CurvatureOperator a;
  INDArray b;
  INDArray v;
  INDArray out;
  // the CG state of cgStep
  INDArray x;
  INDArray r;
  INDArray d;
  INDArray ad;
  INDArray column; // p x 1, like CG's vectors
  INDArray columnOut;
  double rz;
  PreparedInverse lowRank;
  EmpiricalFisherOperator fisher;
  PreparedInverse fisherInverse;

  @Setup(Level.Trial)
  public void setUp() {
    Model model = problem.model(dtype);
    INDArray theta = model.initialParameters(0);
    ModelPoint point = model.at(theta, problem.data());
    a = Operators.damped(Operators.gaussNewton(point), DAMPING);
    int p = model.numParameters();
    DataType type = model.dataType();
    b = point.gradient();
    v = Problem.unitVector(p, type, 1);
    out = Nd4j.createUninitialized(type, new long[] {p}, 'c');
    x = Vectors.column(type, p);
    r = Vectors.column(type, p);
    d = Vectors.column(type, p);
    ad = Vectors.column(type, p);
    column = Vectors.column(type, p);
    Vectors.copy(v.reshape(p, 1), column);
    columnOut = Vectors.column(type, p);
    Vectors.copy(b.reshape(p, 1), r);
    Vectors.copy(r, d);
    rz = Vectors.dot(r, r);
    lowRank = Solvers.lowRankWoodbury(Operators.lowRank(orthonormalBasis(p, RANK, type, 2),
        decreasing(RANK, type)), DAMPING);
    int[] rows = new int[FISHER_ROWS];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    INDArray g = model.at(theta, problem.data().rows(rows)).perExampleGradients();
    fisher = Operators.empiricalFisher(g, DAMPING);
    fisherInverse = Solvers.fisherWoodbury(fisher);
  }

  /**
   * An exactly orthonormal p &times; r basis without a QR: column j is a seeded Gaussian vector on
   * the coordinates q &equiv; j (mod r), normalised (disjoint supports), stored dense.
   */
  static INDArray orthonormalBasis(int p, int rank, DataType type, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] u = new double[p][rank];
    double[] sq = new double[rank];
    for (int q = 0; q < p; q++) {
      double g = Problem.gaussian(rng);
      u[q][q % rank] = g;
      sq[q % rank] += g * g;
    }
    for (int q = 0; q < p; q++) {
      u[q][q % rank] /= Math.sqrt(sq[q % rank]);
    }
    return Nd4j.createFromArray(u).castTo(type);
  }

  static INDArray decreasing(int rank, DataType type) {
    double[] e = new double[rank];
    for (int i = 0; i < rank; i++) {
      e[i] = 10.0 / (i + 1);
    }
    return Nd4j.createFromArray(e).castTo(type);
  }

  /** Baseline: one product with A = G + &delta; I on p &times; 1 columns (CG's vectors). */
  @Benchmark
  public INDArray matvec() {
    return a.apply(column, columnOut);
  }

  /** One product with A on rank-1 vectors (reshaped to columns inside the operator). */
  @Benchmark
  public INDArray matvecRank1() {
    return a.apply(v, out);
  }

  /** {@value #CG_ITERATIONS} iterations of the library's CG (with its set-up), per iteration. */
  @Benchmark
  @OperationsPerInvocation(CG_ITERATIONS)
  public Object cgIterations() {
    try {
      return Solvers.cg(a, b, 1e-30, CG_ITERATIONS);
    } catch (IterationLimitException e) {
      return e;
    }
  }

  /**
   * One CG iteration in steady state: the body of the library's CG loop (one matvec, two dots, three
   * axpys, one scal) on preallocated vectors; {@code -prof gc} shows what the loop allocates.
   */
  @Benchmark
  public double cgStep() {
    a.apply(d, ad);
    double alpha = rz / Vectors.dot(d, ad);
    Vectors.axpy(alpha, d, x);
    Vectors.axpy(-alpha, ad, r);
    double rn = Vectors.norm(r);
    double rzNew = rn * rn;
    double beta = rzNew / rz;
    if (!(rzNew > 1e-200) || !Double.isFinite(beta)) { // converged: restart from b
      Vectors.copy(b.reshape(b.length(), 1), r);
      rzNew = Vectors.dot(r, r);
      beta = 0;
    }
    rz = rzNew;
    Vectors.scal(beta, d);
    Vectors.axpy(1.0, r, d);
    return rn;
  }

  /** {@value #LISSA_STEPS} LiSSA steps on the fixed operator, per step (s = 1000: a step's cost does not depend on s). */
  @Benchmark
  @OperationsPerInvocation(LISSA_STEPS)
  public Object lissaSteps() {
    try {
      return Solvers.lissa(a, b, 1000.0, LISSA_STEPS, 1e-30);
    } catch (IterationLimitException e) {
      return e;
    }
  }

  /** Applying the Woodbury inverse of a rank-{@value #RANK} U&Lambda;U<sup>T</sup> + &delta; I. */
  @Benchmark
  public INDArray lowRankWoodburyApply() {
    return lowRank.apply(v, out);
  }

  /** Applying the prepared inverse of the damped empirical Fisher of {@value #FISHER_ROWS} rows. */
  @Benchmark
  public INDArray fisherWoodburyApply() {
    return fisherInverse.apply(v, out);
  }

  /** Preparing the Fisher Woodbury inverse (m &times; m Cholesky and L<sup>-1</sup>G). */
  @Benchmark
  public PreparedInverse fisherWoodburyPrepare() {
    return Solvers.fisherWoodbury(fisher);
  }
}

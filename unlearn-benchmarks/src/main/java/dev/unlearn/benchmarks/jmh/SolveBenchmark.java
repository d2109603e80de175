package dev.unlearn.benchmarks.jmh;

import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.hessian.estimate.PowerIteration;
import dev.unlearn.hessian.operator.CurvatureOperator;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.solve.AdaptiveNystromSolve;
import dev.unlearn.hessian.solve.SolverResult;
import dev.unlearn.hessian.solve.Solvers;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Solves to a relative residual of 1e-6 of (G + &mu; I) x = b, G the Gauss-Newton matrix of the
 * model without L2 at the initial &theta; or at the trained one ({@code point}: the scoreboard's
 * recipes, L-BFGS to 1e-6 for logistic regression and Adam for 30 epochs for the MLP, both with
 * L2 1e-3) and &mu; = 1e-4, so the condition number is about
 * &lambda;<sub>max</sub>/&mu; &asymp; 1e4 (printed), b the gradient: plain CG against Nystr&ouml;m-PCG (rank {@value #RANK}, the
 * sketch included). The matvecs of each solve are printed once per trial as a line {@code
 * SolveBenchmark matvecs ...} (target: Nystr&ouml;m-PCG &le; CG / 3). Digits problems only: on the synthetic MLP one
 * matvec costs about 0.3 s and a solve needs hundreds, minutes per measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.HEAP, Jvm.MAX_BYTES, Jvm.MAX_PHYSICAL})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class SolveBenchmark {
  static final double MU = 1e-4;
  static final int RANK = 64;
  static final int MAX_ITERATIONS = 20_000;
  static final int MAX_RANK = 1024;

  @Param({"DIGITS_LOGISTIC", "DIGITS_MLP"})
  public Problem problem;

  @Param({"float64"})
  public String dtype;

  @Param({"initial", "trained"})
  public String point;

  CurvatureOperator g;
  CurvatureOperator a;
  INDArray b;

  @Setup(Level.Trial)
  public void setUp() {
    Model model = problem.model(dtype).withL2(0.0); // the damping mu is all the regularisation
    INDArray theta = model.initialParameters(0);
    if (point.equals("trained")) {
      TrainingRecipe recipe = problem == Problem.DIGITS_LOGISTIC ? TrainingRecipe.lbfgs(1e-6)
          : TrainingRecipe.adam(30, 64, 1e-3, 0);
      theta = Trainer.train(problem.model(dtype).withL2(Problem.L2), problem.data(), recipe)
          .parameters();
    }
    ModelPoint at = model.at(theta, problem.data());
    g = Operators.gaussNewton(at);
    a = Operators.damped(g, MU);
    b = at.gradient();
    // The matvec counts are deterministic: report them once (JMH's auxiliary counters are not
    // available in single-shot mode); run-benchmarks.sh collects this line from the log.
    SolverResult c = Solvers.cg(a, b, 1e-6, MAX_ITERATIONS);
    SolverResult n = Solvers.nystromPcg(g, MU, b, RANK, 1e-6, MAX_ITERATIONS, 3);
    AdaptiveNystromSolve ad = Solvers.nystromPcgAdaptive(g, MU, b, MAX_RANK, 1e-6, MAX_ITERATIONS, 3);
    double top = PowerIteration.largest(a, 200, 1e-4, 5).value();
    System.out.printf(Locale.ROOT, "%nSolveBenchmark matvecs problem=%s dtype=%s point=%s cg=%d "
        + "nystromPcg=%d (rank %d sketch included) adaptive=%d (rank %d chosen, ratio to cg %.2f) "
        + "lambdaMax=%.4g condition<=%.3g rel.residual cg=%.2e pcg=%.2e adaptive=%.2e%n",
        problem, dtype, point, c.matvecs(), n.matvecs(), RANK, ad.result().matvecs(),
        ad.sketch().matvecs(), (double) ad.result().matvecs() / c.matvecs(), top, top / MU,
        c.relativeResidual(), n.relativeResidual(), ad.result().relativeResidual());
  }

  /** Baseline: plain CG to 1e-6. */
  @Benchmark
  public SolverResult cg() {
    return Solvers.cg(a, b, 1e-6, MAX_ITERATIONS);
  }

  /** Nystr&ouml;m-PCG to 1e-6, sketch included (seed 3). */
  @Benchmark
  public SolverResult nystromPcg() {
    return Solvers.nystromPcg(g, MU, b, RANK, 1e-6, MAX_ITERATIONS, 3);
  }

  /** Nystr&ouml;m-PCG to 1e-6 with the rank chosen adaptively (at most {@value #MAX_RANK}), sketch included. */
  @Benchmark
  public AdaptiveNystromSolve nystromPcgAdaptive() {
    return Solvers.nystromPcgAdaptive(g, MU, b, MAX_RANK, 1e-6, MAX_ITERATIONS, 3);
  }
}

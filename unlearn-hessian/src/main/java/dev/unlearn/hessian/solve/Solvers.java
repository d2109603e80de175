package dev.unlearn.hessian.solve;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.estimate.Nystrom;
import dev.unlearn.hessian.estimate.NystromApproximation;
import dev.unlearn.hessian.internal.Checks;
import dev.unlearn.hessian.operator.CurvatureOperator;
import dev.unlearn.hessian.operator.EmpiricalFisherOperator;
import dev.unlearn.hessian.operator.LowRankOperator;
import dev.unlearn.hessian.operator.Operators;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The entry point to the inverse-HVP solvers.
 *
 * <pre>{@code
 * CurvatureOperator h = Operators.hessian(at).damped(1e-3);
 * SolverResult r = Solvers.cg(h, gForget, 1e-8, 500);            // throws if it cannot converge
 * SolverResult n = Solvers.nystromPcg(Operators.gaussNewton(at), 1e-3, gForget, 50, 1e-8, 500, 7L);
 * PreparedInverse inv = Solvers.cholesky(h);                     // small p: factorise once
 * INDArray x = inv.solve(gForget);                               // many right-hand sides
 * }</pre>
 */
public final class Solvers {
  private Solvers() {}

  /** Conjugate gradient for A x = b (A SPD), from zero, without preconditioner. */
  public static SolverResult cg(CurvatureOperator a, INDArray b, double tolerance, int maxIterations) {
    return ConjugateGradient.solve(a, b, null, null, tolerance, maxIterations);
  }

  /** Preconditioned conjugate gradient for A x = b. */
  public static SolverResult cg(CurvatureOperator a, INDArray b, double tolerance, int maxIterations,
      Preconditioner preconditioner) {
    return ConjugateGradient.solve(a, b, null, preconditioner, tolerance, maxIterations);
  }

  /** Conjugate gradient for a p &times; k block of right-hand sides, column by column. */
  public static BlockSolverResult cgBlock(CurvatureOperator a, INDArray b, double tolerance,
      int maxIterations, Preconditioner preconditioner) {
    return ConjugateGradient.solveBlock(a, b, preconditioner, tolerance, maxIterations);
  }

  /**
   * Nyström-preconditioned CG (Frangella, Tropp, Udell 2021) for (A + &mu;I) x = b with A PSD:
   * sketches A at rank {@code rank} (that many matvecs, one block), then runs PCG with the {@link
   * NystromPreconditioner}. The result's matvecs include the sketch.
   */
  public static SolverResult nystromPcg(CurvatureOperator a, double mu, INDArray b, int rank,
      double tolerance, int maxIterations, long seed) {
    Checks.positive(mu, "mu");
    long start = System.nanoTime();
    NystromApproximation sketch = Nystrom.approximate(a, rank, seed);
    return nystromPcg(a, mu, b, sketch, tolerance, maxIterations, start);
  }

  /**
   * Nyström-PCG that chooses its own rank (the "adaptive rank"): the sketch starts at
   * {@value #ADAPTIVE_INITIAL_RANK} and doubles (every earlier product kept, see {@link
   * Nystrom#growable}) while doubling is predicted to save more PCG iterations than the &ell; new
   * products cost; then PCG runs once with the last sketch.
   *
   * <p>The prediction: the sketch promises a preconditioned condition number &kappa;(&ell;) =
   * (&lambda;&#770;<sub>&ell;</sub> + &mu;)/&mu;, and PCG is taken to need ln(2/tol)&radic;&kappa;(&ell;)
   * iterations (twice the textbook bound's &frac12;ln(2/tol)&radic;&kappa;: the sketch's own error adds to
   * &kappa;; on the trained digits MLP's Gauss-Newton matrix at &mu; = 1e-4 and 1e-5, ranks 32 to 256,
   * the measured iterations were 13 to 17 &times; &radic;&kappa; at tol = 1e-6, where ln(2/tol) = 14.5);
   * &lambda;&#770;<sub>2&ell;</sub> is extrapolated geometrically from &lambda;&#770;<sub>&ell;/2</sub> and
   * &lambda;&#770;<sub>&ell;</sub>. The sketch grows while ln(2/tol)(&radic;&kappa;(&ell;) &minus;
   * &radic;&kappa;(2&ell;)) &gt; &ell;. The model assumes the bottom of the spectrum reaches &mu; (a
   * damped Gauss-Newton matrix with a null space); where the operator is well conditioned on its
   * own, or has few distinct eigenvalues, CG converges faster than &kappa; says and the sketch grows
   * further than pays (bounded by {@code maxRank}).
   *
   * @param maxRank the largest sketch (capped at p)
   */
  public static AdaptiveNystromSolve nystromPcgAdaptive(CurvatureOperator a, double mu,
      INDArray b, int maxRank, double tolerance, int maxIterations, long seed) {
    Checks.positive(mu, "mu");
    InvalidInputException.check(a != null, "operator must not be null");
    InvalidInputException.check(maxRank >= 1, "maxRank (%d) must be >= 1", maxRank);
    InvalidInputException.check(tolerance > 0 && tolerance < 1, "tolerance (%s) must be in (0, 1)",
        tolerance);
    long start = System.nanoTime();
    int cap = Math.min(maxRank, a.dimension());
    Nystrom.Growable sketcher = Nystrom.growable(a, Math.min(ADAPTIVE_INITIAL_RANK, cap), seed);
    double perRootKappa = Math.log(2 / tolerance);
    int growths = 0;
    while (true) {
      NystromApproximation sketch = sketcher.approximation();
      int l = sketcher.columns();
      int more = Math.min(l, cap - l);
      if (more <= 0 || l < 2 || sketch.rank() < l) {
        break; // at the cap, or A has rank below l: more columns add nothing
      }
      double[] lambda = sketch.eigenvalues();
      double last = lambda[l - 1];
      double predicted = last * Math.min(1.0, last / lambda[l / 2 - 1]);
      double saved = perRootKappa
          * (Math.sqrt((last + mu) / mu) - Math.sqrt((predicted + mu) / mu));
      if (saved <= more) {
        break;
      }
      sketcher.grow(more);
      growths++;
    }
    NystromApproximation sketch = sketcher.approximation();
    SolverResult r = nystromPcg(a, mu, b, sketch, tolerance, maxIterations, start);
    return new AdaptiveNystromSolve(r, sketch, growths);
  }

  /** The first sketch size of {@link #nystromPcgAdaptive}. */
  public static final int ADAPTIVE_INITIAL_RANK = 16;

  /** Nyström-preconditioned CG with a sketch made earlier (reuse it across right-hand sides). */
  public static SolverResult nystromPcg(CurvatureOperator a, double mu, INDArray b,
      NystromApproximation sketch, double tolerance, int maxIterations) {
    return nystromPcg(a, mu, b, sketch, tolerance, maxIterations, -1);
  }

  private static SolverResult nystromPcg(CurvatureOperator a, double mu, INDArray b,
      NystromApproximation sketch, double tolerance, int maxIterations, long sketchStart) {
    InvalidInputException.check(sketch != null, "sketch must not be null");
    SolverResult r = ConjugateGradient.solve(Operators.damped(a, mu), b, null,
        new NystromPreconditioner(sketch, mu), tolerance, maxIterations);
    if (sketchStart < 0) {
      return r;
    }
    return new SolverResult(r.solution(), r.iterations(), r.matvecs() + sketch.matvecs(),
        r.residualHistory(), r.converged(), r.relativeResidual(), System.nanoTime() - sketchStart);
  }

  /** LiSSA with a fixed operator; see {@link Lissa}. */
  public static SolverResult lissa(CurvatureOperator a, INDArray b, double scale, int maxSteps,
      double tolerance) {
    return Lissa.solve(a, b, Lissa.Options.of(scale, maxSteps, tolerance));
  }

  /** The Woodbury inverse of U&Lambda;U<sup>T</sup> + &delta;I (U orthonormal). */
  public static PreparedInverse lowRankWoodbury(LowRankOperator lowRank, double delta) {
    InvalidInputException.check(lowRank != null, "lowRank must not be null");
    return new LowRankWoodburyInverse(lowRank, delta);
  }

  /** The Woodbury inverse of a Nyström approximation plus &delta;I. */
  public static PreparedInverse lowRankWoodbury(NystromApproximation sketch, double delta) {
    InvalidInputException.check(sketch != null, "sketch must not be null");
    return new LowRankWoodburyInverse(sketch.operator(), delta);
  }

  /** The exact inverse of the damped empirical Fisher, factorised once. */
  public static PreparedInverse fisherWoodbury(EmpiricalFisherOperator fisher) {
    InvalidInputException.check(fisher != null, "fisher must not be null");
    return new FisherWoodburyInverse(fisher);
  }

  /** The dense Cholesky inverse of an SPD operator (small p; p matvecs to form it). */
  public static PreparedInverse cholesky(CurvatureOperator a) {
    InvalidInputException.check(a != null, "operator must not be null");
    return new CholeskyInverse(a);
  }
}

package dev.unlearn.hessian.unlearner;

import java.util.Set;
import java.util.EnumSet;
import dev.unlearn.api.Capability;
import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.HyperparameterValues;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.api.RunStoppedException;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.unlearner.AbstractUnlearner;
import dev.unlearn.hessian.estimate.Nystrom;
import dev.unlearn.hessian.estimate.NystromApproximation;
import dev.unlearn.hessian.operator.CurvatureOperator;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.solve.Lissa;
import dev.unlearn.hessian.solve.PreparedInverse;
import dev.unlearn.hessian.solve.SolverResult;
import dev.unlearn.hessian.solve.Solvers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Influence removal by damped Newton steps on the retain objective (Koh &amp; Liang 2017):
 * &theta;<sub>t+1</sub> = &theta;<sub>t</sub> &minus; (C<sub>r</sub> + &delta;I)<sup>-1</sup>
 * &nabla;L<sub>r</sub>(&theta;<sub>t</sub>), where L<sub>r</sub> is the model's objective on the retain
 * rows (mean cross-entropy plus (&lambda;/2)&Vert;&theta;&Vert;&sup2;) and C<sub>r</sub> its curvature at
 * &theta;<sub>t</sub>. At an optimum of the full objective one step equals &theta; + (n<sub>f</sub>/n<sub>r</sub>)
 * (C<sub>r</sub> + &delta;I)<sup>-1</sup> g<sub>f</sub>.
 *
 * <p>Curvatures: {@code hessian} (exact, Pearlmutter; may be indefinite off a minimum: damp it),
 * {@code ggn} (generalised Gauss-Newton, PSD), {@code fisher} (the empirical Fisher of all retain
 * rows plus the model's &lambda;: &lambda;I + (1/n<sub>r</sub>)G<sup>T</sup>G), {@code diagonal} (the
 * exact diagonal of that Fisher; no solver involved). Solvers: {@code cg}, {@code pcg-nystrom}
 * (needs &delta; &gt; 0 and a PSD curvature), {@code lissa} (full-batch and deterministic, or
 * stochastic with {@code lissa-batch} rows per step), {@code lowrank} (a rank-{@code rank} Nyström
 * sketch inverted by Woodbury: an approximation, the rest of the spectrum is taken as &lambda; +
 * &delta;), {@code direct} (dense Cholesky, p &le; 5000; with {@code fisher} the exact Woodbury
 * inverse instead).
 *
 * <p>Failure policy: a solver that cannot meet its tolerance (iteration limit, non-positive curvature,
 * LiSSA divergence) throws its typed {@link dev.unlearn.api.NonConvergenceException}, which
 * propagates; there is no silent partial step. Diagnostics: {@code residual-norm} (the relative
 * residual &Vert;(C + &delta;I)x &minus; g&Vert;/&Vert;g&Vert; of the last step, checked with one extra
 * product), {@code solver-iterations}, {@code gradient-norm-before}, {@code gradient-norm-after}
 * (&Vert;&nabla;L<sub>r</sub>&Vert; after the last step, one extra retain gradient), {@code steps}.
 * The request's &theta; is never modified; NaN cannot enter (requests are checked).
 */
public final class NewtonUnlearner extends AbstractUnlearner {
  /** The largest p for which {@code direct} forms a dense matrix. */
  public static final int MAX_DIRECT_DIMENSION = 5000;

  static final Hyperparameter<String> CURVATURE = Hyperparameter.ofChoice("curvature", "ggn",
      List.of("hessian", "ggn", "fisher", "diagonal"),
      "curvature matrix of the retain objective: exact Hessian, Gauss-Newton (the default: equal to "
          + "the Hessian for logistic regression, positive semi-definite for networks, whose exact "
          + "Hessian is indefinite away from a minimum), empirical Fisher or its diagonal");
  static final Hyperparameter<String> SOLVER = Hyperparameter.ofChoice("solver", "cg",
      List.of("cg", "pcg-nystrom", "lissa", "lowrank", "direct"),
      "how (C + damping I)^-1 g is applied (ignored by the diagonal curvature)");
  static final Hyperparameter<Double> DAMPING = Hyperparameter.nonNegative("damping", 0.0,
      "delta added to the curvature's diagonal (on top of the model's L2)");
  static final Hyperparameter<Integer> STEPS = Hyperparameter.ofInt("steps", 1, 1, 100,
      "number of Newton steps, each with the curvature at the current point");
  static final Hyperparameter<Double> TOLERANCE = Hyperparameter.ofDouble("tolerance", 1e-8, 0,
      false, 1, false, "relative residual target of the iterative solvers (at least 1e-5 for float32 models)");
  static final Hyperparameter<Integer> MAX_ITERATIONS = Hyperparameter.ofInt("max-iterations",
      1000, 1, 10_000_000, "iteration budget of cg and pcg-nystrom per step");
  static final Hyperparameter<Integer> RANK = Hyperparameter.ofInt("rank", 50, 1, 100_000,
      "sketch rank of pcg-nystrom and lowrank (capped at p)");
  static final Hyperparameter<Integer> LISSA_BATCH = Hyperparameter.ofInt("lissa-batch", 0, 0,
      10_000_000, "retain rows per LiSSA step (a fresh seeded minibatch); 0 = all (deterministic)");
  static final Hyperparameter<Integer> LISSA_ITERATIONS = Hyperparameter.ofInt("lissa-iterations",
      10_000, 1, 10_000_000, "LiSSA step budget per Newton step");
  static final Hyperparameter<Double> LISSA_SCALE = Hyperparameter.nonNegative("lissa-scale", 0.0,
      "LiSSA scale s (> half the top eigenvalue); 0 = 1.5 x a power-iteration estimate");

  public NewtonUnlearner() {
    super("newton", "damped Newton steps on the retain objective (influence removal, Koh & Liang "
        + "2017) with a selectable curvature and inverse solver", CURVATURE, SOLVER, DAMPING, STEPS,
        TOLERANCE, MAX_ITERATIONS, RANK, LISSA_BATCH, LISSA_ITERATIONS, LISSA_SCALE);
  }

  /** The capability the chosen curvature needs (ggn: Gauss-Newton; hessian: HVP; fisher, diagonal: per-example gradients). */
  @Override
  public Set<Capability> requirements(Map<String, ?> hyperparameters) {
    String curvature = HyperparameterValues.resolve(hyperparameters(), hyperparameters)
        .get(CURVATURE);
    return EnumSet.of(switch (curvature) {
      case "hessian" -> Capability.HESSIAN_VECTOR_PRODUCT;
      case "ggn" -> Capability.GAUSS_NEWTON;
      default -> Capability.PER_EXAMPLE_GRADIENTS;
    });
  }

  @Override
  protected Outcome run(UnlearningRequest request, HyperparameterValues v, Cost.Meter meter) {
    Model model = request.model();
    Dataset retain = request.retainSet();
    String curvature = v.get(CURVATURE);
    String solver = v.get(SOLVER);
    double damping = v.get(DAMPING);
    int p = model.numParameters();
    if (solver.equals("pcg-nystrom") && !curvature.equals("diagonal")) {
      InvalidInputException.check(damping > 0, "damping (%s) must be > 0 for solver pcg-nystrom",
          damping);
    }
    if (solver.equals("direct") && !curvature.equals("fisher") && !curvature.equals("diagonal")) {
      InvalidInputException.check(p <= MAX_DIRECT_DIMENSION,
          "p (%d) must be <= %d for solver direct (dense Cholesky); use cg", p, MAX_DIRECT_DIMENSION);
    }
    INDArray theta = request.parameters().dup();
    double firstNorm = Double.NaN;
    double residual = Double.NaN;
    long iterations = 0;
    int steps = v.get(STEPS);
    for (int step = 0; step < steps; step++) {
      ModelPoint at = model.at(theta, retain);
      INDArray g = at.gradient();
      meter.gradient(retain.size());
      if (step == 0) {
        firstNorm = SecondOrder.norm(g);
      }
      long seed = request.seed() * 1_000_003L + step;
      Step s;
      try {
        s = solve(at, g, curvature, solver, damping, v, seed, meter);
      } catch (RunStoppedException stopped) {
        if (step == 0) {
          throw stopped; // nothing better than theta
        }
        break; // keep the steps already taken
      }
      residual = s.relativeResidual;
      iterations += s.iterations;
      theta.subi(s.x);
      if (step + 1 < steps && meter.monitor().report("newton-step", step + 1, at.loss())) {
        break;
      }
    }
    INDArray after = model.gradient(theta, retain);
    meter.gradient(retain.size());
    meter.iterations(iterations);
    Map<String, Double> d = new LinkedHashMap<>();
    d.put("residual-norm", residual);
    d.put("solver-iterations", (double) iterations);
    d.put("gradient-norm-before", firstNorm);
    d.put("gradient-norm-after", SecondOrder.norm(after));
    d.put("steps", (double) steps);
    return Outcome.of(theta, d);
  }

  /** One solve's answer x &asymp; (C + &delta;I)<sup>-1</sup> g, its checked residual and iterations. */
  record Step(INDArray x, double relativeResidual, long iterations) {}

  /** Builds the curvature at {@code at}, solves, checks the residual; counts everything on meter. */
  static Step solve(ModelPoint at, INDArray g, String curvature, String solver, double damping,
      HyperparameterValues v, long seed, Cost.Meter meter) {
    Model model = at.model();
    Dataset retain = at.data();
    INDArray theta = at.parameters();
    if (curvature.equals("diagonal")) {
      double[] diag = SecondOrder.meanSquaredGradients(model, theta, retain, meter);
      double[] gd = g.toDoubleVector();
      double[] x = new double[gd.length];
      double shift = model.l2() + damping;
      for (int j = 0; j < x.length; j++) {
        double c = diag[j] + shift;
        InvalidInputException.check(c > 0,
            "diagonal curvature %d (%s) must be > 0; add damping", j, c);
        x[j] = gd[j] / c;
      }
      INDArray xa = Nd4j.create(x, new long[] {x.length}, 'c').castTo(model.dataType());
      return new Step(xa, 0.0, 0);
    }
    Function<Dataset, CurvatureOperator> factory;
    CurvatureOperator base;
    INDArray fisherGradients = null;
    switch (curvature) {
      case "hessian" -> {
        factory = rows -> Operators.hessian(model.at(theta, rows));
        base = Operators.hessian(at);
      }
      case "ggn" -> {
        factory = rows -> Operators.gaussNewton(model.at(theta, rows));
        base = Operators.gaussNewton(at);
      }
      case "fisher" -> {
        fisherGradients = SecondOrder.perExampleGradients(model, theta, retain, meter);
        INDArray gAll = fisherGradients;
        factory = rows -> Operators.empiricalFisher(model.at(theta, rows).perExampleGradients(),
            model.l2());
        base = Operators.empiricalFisher(gAll, model.l2());
      }
      default -> throw new InvalidInputException("curvature (" + curvature + ") is unknown");
    }
    CurvatureOperator raw = base;
    base = Operators.monitored(base, meter); // every product is counted and checks the budget
    CurvatureOperator damped = damping > 0 ? base.damped(damping) : base;
    int tolIterations = v.get(MAX_ITERATIONS);
    double tol = SecondOrder.reachableTolerance(v.get(TOLERANCE), model.dataType());
    INDArray x;
    long iterations;
    switch (solver) {
      case "cg" -> {
        SolverResult r = Solvers.cg(damped, g, tol, tolIterations);
        x = r.solution();
        iterations = r.iterations();
      }
      case "pcg-nystrom" -> {
        int rank = Math.min(v.get(RANK), model.numParameters());
        SolverResult r = Solvers.nystromPcg(base, damping, g, rank, tol, tolIterations, seed);
        x = r.solution();
        iterations = r.iterations();
      }
      case "lissa" -> {
        double scale = v.get(LISSA_SCALE);
        if (scale == 0) {
          scale = Lissa.scaleFor(damped, 1.5, seed);
        }
        Lissa.Options options = Lissa.Options.of(scale, v.get(LISSA_ITERATIONS), tol);
        int batch = v.get(LISSA_BATCH);
        SolverResult r;
        if (batch == 0 || batch >= retain.size()) {
          r = Lissa.solve(damped, g, options);
        } else {
          SplittableRandom rng = new SplittableRandom(seed);
          r = Lissa.solve(step -> {
            int[] rows = SecondOrder.subsample(retain.size(), batch, rng.nextLong());
            meter.gradient(batch); // a minibatch curvature point costs a forward/backward pass
            CurvatureOperator op = Operators.monitored(factory.apply(retain.rows(rows)), meter);
            return damping > 0 ? op.damped(damping) : op;
          }, model.numParameters(), g, options);
        }
        x = r.solution();
        iterations = r.iterations();
      }
      case "lowrank" -> {
        int rank = Math.min(v.get(RANK), model.numParameters());
        NystromApproximation sketch = Nystrom.approximate(base, rank, seed);
        double floor = model.l2() + damping;
        InvalidInputException.check(floor > 0,
            "the model's l2 + damping (%s) must be > 0 for solver lowrank", floor);
        double[] lambda = sketch.eigenvalues();
        for (int i = 0; i < lambda.length; i++) {
          lambda[i] = Math.max(lambda[i] - model.l2(), 0); // the sketch already holds l2 I
        }
        PreparedInverse inv = Solvers.lowRankWoodbury(Operators.lowRank(sketch.basis(),
            Nd4j.createFromArray(lambda)), floor);
        x = inv.solve(g);
        iterations = 0;
      }
      case "direct" -> {
        PreparedInverse inv = fisherGradients != null
            ? Solvers.fisherWoodbury(Operators.empiricalFisher(fisherGradients, model.l2() + damping))
            : Solvers.cholesky(damped);
        x = inv.solve(g);
        iterations = 0;
      }
      default -> throw new InvalidInputException("solver (" + solver + ") is unknown");
    }
    // the true residual on the (damped) curvature, one extra product; not monitored, so that a
    // solve that finished is never thrown away for a budget spent just after it
    INDArray r = (damping > 0 ? raw.damped(damping) : raw).apply(x);
    meter.hvps(1);
    r.subi(g);
    double gn = SecondOrder.norm(g);
    double rel = gn == 0 ? 0 : SecondOrder.norm(r) / gn;
    return new Step(x.reshape(g.shape()).castTo(g.dataType()), rel, iterations);
  }
}

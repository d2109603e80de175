package dev.unlearn.hessian.unlearner;

import java.util.Set;
import java.util.EnumSet;
import dev.unlearn.api.Capability;
import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.HyperparameterValues;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.api.RunStoppedException;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.unlearner.AbstractUnlearner;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

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
 * (needs &delta; &gt; 0 and a PSD curvature), {@code pcg-nystrom-adaptive} (the same with the
 * sketch grown from rank 16 while it pays, up to {@code rank}), {@code lissa} (full-batch and deterministic, or
 * stochastic with {@code lissa-batch} rows per step), {@code lowrank} (a rank-{@code rank} Nyström
 * sketch inverted by Woodbury: an approximation, the rest of the spectrum is taken as &lambda; +
 * &delta;), {@code lowrank-lanczos} (the same with the top Lanczos eigenpairs), {@code direct}
 * (dense Cholesky, p &le; 5000; with {@code fisher} the exact Woodbury inverse instead). Names, checks and construction live in {@link CurvatureInverse}, shared with
 * {@code certified-removal} and the amortised deleter.
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
  public static final int MAX_DIRECT_DIMENSION = CurvatureInverse.MAX_DIRECT_DIMENSION;

  static final Hyperparameter<String> CURVATURE = Hyperparameter.ofChoice("curvature", "ggn",
      Arrays.stream(CurvatureInverse.Curvature.values()).map(CurvatureInverse.Curvature::key)
          .toList(),
      "curvature matrix of the retain objective: exact Hessian, Gauss-Newton (the default: equal to "
          + "the Hessian for logistic regression, positive semi-definite for networks, whose exact "
          + "Hessian is indefinite away from a minimum), empirical Fisher or its diagonal");
  static final Hyperparameter<String> SOLVER = Hyperparameter.ofChoice("solver", "cg",
      Arrays.stream(CurvatureInverse.Inverse.values()).map(CurvatureInverse.Inverse::key).toList(),
      "how (C + damping I)^-1 g is applied (ignored by the diagonal curvature)");
  static final Hyperparameter<Double> DAMPING = Hyperparameter.nonNegative("damping", 0.0,
      "delta added to the curvature's diagonal (on top of the model's L2)");
  static final Hyperparameter<Integer> STEPS = Hyperparameter.ofInt("steps", 1, 1, 100,
      "number of Newton steps, each with the curvature at the current point");
  static final Hyperparameter<Double> TOLERANCE = Hyperparameter.ofDouble("tolerance", 1e-8, 0,
      false, 1, false, "relative residual target of the iterative solvers (at least 1e-5 for float32 models)");
  static final Hyperparameter<Integer> MAX_ITERATIONS = Hyperparameter.ofInt("max-iterations",
      1000, 1, 10_000_000, "iteration budget of cg and pcg-nystrom(-adaptive) per step");
  static final Hyperparameter<Integer> RANK = Hyperparameter.ofInt("rank", 50, 1, 100_000,
      "sketch rank of pcg-nystrom, lowrank and lowrank-lanczos, the largest of pcg-nystrom-adaptive (capped at p)");
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
    return EnumSet.of(CurvatureInverse.Curvature.of(curvature).capability());
  }

  @Override
  protected Outcome run(UnlearningRequest request, HyperparameterValues v, Cost.Meter meter) {
    Model model = request.model();
    Dataset retain = request.retainSet();
    CurvatureInverse.Curvature curvature = CurvatureInverse.Curvature.of(v.get(CURVATURE));
    CurvatureInverse.Inverse solver = CurvatureInverse.Inverse.of(v.get(SOLVER));
    CurvatureInverse.Options options = new CurvatureInverse.Options(v.get(DAMPING),
        v.get(TOLERANCE), v.get(MAX_ITERATIONS), v.get(RANK), 0, 0, v.get(LISSA_BATCH),
        v.get(LISSA_ITERATIONS), v.get(LISSA_SCALE));
    CurvatureInverse.check(model, curvature, solver, options); // before any work
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
      CurvatureInverse.Step s;
      try {
        s = CurvatureInverse.solve(at, g, curvature, solver, options.withSeed(seed), meter);
      } catch (RunStoppedException stopped) {
        if (step == 0) {
          throw stopped; // nothing better than theta
        }
        break; // keep the steps already taken
      }
      residual = s.relativeResidual();
      iterations += s.iterations();
      theta.subi(s.x());
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
}

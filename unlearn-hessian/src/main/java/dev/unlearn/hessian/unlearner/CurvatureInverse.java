package dev.unlearn.hessian.unlearner;

import dev.unlearn.api.Capability;
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
import dev.unlearn.hessian.solve.Lissa;
import dev.unlearn.hessian.solve.PreparedInverse;
import dev.unlearn.hessian.solve.SolverResult;
import dev.unlearn.hessian.solve.Solvers;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place where a curvature and its inverse are named, checked and built: {@code newton}
 * and {@code certified-removal} solve with it, and the amortised deleter prepares its inverses
 * with it. A curvature ({@link Curvature}) of the retain objective at a point, plus the damping
 * &delta;, is inverted by one of the {@link Inverse} kinds, either as a solve for one right-hand
 * side ({@link #solve}) or, for the kinds that factorise, as an inverse prepared once and applied
 * to many ({@link #prepare}).
 *
 * <pre>{@code
 * CurvatureInverse.Step s = CurvatureInverse.solve(model.at(theta, retain), gradient,
 *     Curvature.GGN, Inverse.PCG_NYSTROM, CurvatureInverse.Options.defaults().withDamping(1e-3),
 *     meter);
 * }</pre>
 */
public final class CurvatureInverse {
  /** The largest p for which {@link Inverse#DIRECT} forms a dense Hessian or GGN. */
  public static final int MAX_DIRECT_DIMENSION = 5000;

  private CurvatureInverse() {}

  /** The curvature matrix of the retain objective (each includes the model's &lambda;I). */
  public enum Curvature {
    /** The exact Hessian (Pearlmutter products; indefinite away from a minimum of a network). */
    HESSIAN("hessian", Capability.HESSIAN_VECTOR_PRODUCT),
    /** The generalised Gauss-Newton matrix (PSD; the Hessian for logistic regression). */
    GGN("ggn", Capability.GAUSS_NEWTON),
    /** The empirical Fisher &lambda;I + (1/m)G<sup>T</sup>G of per-example gradients. */
    FISHER("fisher", Capability.PER_EXAMPLE_GRADIENTS),
    /** The exact diagonal of that Fisher (inverted elementwise; no solver involved). */
    DIAGONAL("diagonal", Capability.PER_EXAMPLE_GRADIENTS);

    private final String key;
    private final Capability capability;

    Curvature(String key, Capability capability) {
      this.key = key;
      this.capability = capability;
    }

    /** The name used in hyperparameters. */
    public String key() {
      return key;
    }

    /** What a model must offer to compute it. */
    public Capability capability() {
      return capability;
    }

    /** The curvature of this name. */
    public static Curvature of(String key) {
      return named(values(), Curvature::key, "curvature", key);
    }
  }

  /** How the damped curvature is inverted. */
  public enum Inverse {
    /** Conjugate gradients (a solve). */
    CG("cg", false),
    /** CG preconditioned by a Nystr&ouml;m sketch of rank {@code rank} (a solve; needs &delta; &gt; 0). */
    PCG_NYSTROM("pcg-nystrom", false),
    /**
     * CG preconditioned by a Nystr&ouml;m sketch whose rank grows from 16 while it pays, up to
     * {@code rank} ({@link dev.unlearn.hessian.solve.Solvers#nystromPcgAdaptive}; a solve; needs
     * &delta; &gt; 0).
     */
    PCG_NYSTROM_ADAPTIVE("pcg-nystrom-adaptive", false),
    /** LiSSA (a solve; full-batch and deterministic, or stochastic with {@code lissaBatch} rows). */
    LISSA("lissa", false),
    /** A rank-{@code rank} Nystr&ouml;m sketch inverted by Woodbury (approximate; prepared). */
    LOWRANK("lowrank", true),
    /** The top-{@code rank} Lanczos eigenpairs inverted by Woodbury (approximate; prepared). */
    LOWRANK_LANCZOS("lowrank-lanczos", true),
    /** Exact: dense Cholesky (p &le; 5000), or the Woodbury inverse for {@code fisher} (prepared). */
    DIRECT("direct", true);

    private final String key;
    private final boolean prepared;

    Inverse(String key, boolean prepared) {
      this.key = key;
      this.prepared = prepared;
    }

    public String key() {
      return key;
    }

    /** Whether it factorises once ({@link #prepare}) rather than iterating per right-hand side. */
    public boolean prepared() {
      return prepared;
    }

    /** The inverse of this name. */
    public static Inverse of(String key) {
      return named(values(), Inverse::key, "solver", key);
    }
  }

  /** The value whose key is {@code name}, or an error naming it and the choices. */
  private static <E> E named(E[] values, Function<E, String> key, String what, String name) {
    for (E v : values) {
      if (key.apply(v).equals(name)) {
        return v;
      }
    }
    throw new InvalidInputException(String.format(Locale.ROOT, "%s (%s) must be one of %s", what,
        name, Arrays.toString(Arrays.stream(values).map(key).toArray())));
  }

  /**
   * The settings of an inversion.
   *
   * @param damping &delta; &ge; 0 added to the curvature's diagonal (on top of the model's &lambda;)
   * @param tolerance relative residual target of the iterative kinds
   * @param maxIterations iteration budget of CG and Nystr&ouml;m-PCG
   * @param rank sketch rank (PCG_NYSTROM, LOWRANK, LOWRANK_LANCZOS; capped at p)
   * @param fisherRows the rows whose per-example gradients form the Fisher (0: all)
   * @param seed seed of the sketches, the Fisher rows and stochastic LiSSA
   * @param lissaBatch rows per LiSSA step (0: all, deterministic)
   * @param lissaIterations LiSSA's step budget
   * @param lissaScale LiSSA's scale (0: 1.5 &times; a power-iteration estimate)
   */
  public record Options(double damping, double tolerance, int maxIterations, int rank,
      int fisherRows, long seed, int lissaBatch, int lissaIterations, double lissaScale) {
    public Options {
      InvalidInputException.check(damping >= 0 && Double.isFinite(damping),
          "damping (%s) must be >= 0 and finite", damping);
      InvalidInputException.check(tolerance > 0 && tolerance < 1, "tolerance (%s) must be in "
          + "(0, 1)", tolerance);
      InvalidInputException.check(maxIterations >= 1, "max-iterations (%d) must be >= 1",
          maxIterations);
      InvalidInputException.check(rank >= 1, "rank (%d) must be >= 1", rank);
      InvalidInputException.check(fisherRows >= 0, "Fisher rows (%d) must be >= 0", fisherRows);
      InvalidInputException.check(lissaBatch >= 0, "lissa-batch (%d) must be >= 0", lissaBatch);
      InvalidInputException.check(lissaIterations >= 1, "lissa-iterations (%d) must be >= 1",
          lissaIterations);
      InvalidInputException.check(lissaScale >= 0 && Double.isFinite(lissaScale),
          "lissa-scale (%s) must be >= 0", lissaScale);
    }

    /** No damping, tolerance 1e-8, 1000 iterations, rank 50, all Fisher rows, seed 0, LiSSA's defaults. */
    public static Options defaults() {
      return new Options(0, 1e-8, 1000, 50, 0, 0, 0, 10_000, 0);
    }

    public Options withDamping(double d) {
      return new Options(d, tolerance, maxIterations, rank, fisherRows, seed, lissaBatch,
          lissaIterations, lissaScale);
    }

    public Options withTolerance(double t) {
      return new Options(damping, t, maxIterations, rank, fisherRows, seed, lissaBatch,
          lissaIterations, lissaScale);
    }

    public Options withMaxIterations(int m) {
      return new Options(damping, tolerance, m, rank, fisherRows, seed, lissaBatch,
          lissaIterations, lissaScale);
    }

    public Options withRank(int r) {
      return new Options(damping, tolerance, maxIterations, r, fisherRows, seed, lissaBatch,
          lissaIterations, lissaScale);
    }

    public Options withFisherRows(int m) {
      return new Options(damping, tolerance, maxIterations, rank, m, seed, lissaBatch,
          lissaIterations, lissaScale);
    }

    public Options withSeed(long s) {
      return new Options(damping, tolerance, maxIterations, rank, fisherRows, s, lissaBatch,
          lissaIterations, lissaScale);
    }

    public Options withLissa(int batch, int iterations, double scale) {
      return new Options(damping, tolerance, maxIterations, rank, fisherRows, seed, batch,
          iterations, scale);
    }
  }

  /**
   * Checks that the pair can run on this model with these options, naming what is wrong: Nystr&ouml;m-
   * PCG needs &delta; &gt; 0 (on any curvature but the diagonal), a dense direct inverse needs p &le;
   * {@value #MAX_DIRECT_DIMENSION}, the low-rank kinds need &lambda; + &delta; &gt; 0 and a sketched
   * curvature (not the diagonal).
   */
  public static void check(Model model, Curvature c, Inverse i, Options o) {
    InvalidInputException.check(model != null && c != null && i != null && o != null,
        "model, curvature, inverse and options must not be null");
    if (c == Curvature.DIAGONAL) {
      return; // inverted elementwise, whatever the inverse says
    }
    if (i == Inverse.PCG_NYSTROM || i == Inverse.PCG_NYSTROM_ADAPTIVE) {
      InvalidInputException.check(o.damping() > 0,
          "damping (%s) must be > 0 for solver %s", o.damping(), i.key());
    }
    if (i == Inverse.DIRECT && c != Curvature.FISHER) {
      InvalidInputException.check(model.numParameters() <= MAX_DIRECT_DIMENSION,
          "p (%d) must be <= %d for solver direct (dense Cholesky); use cg",
          model.numParameters(), MAX_DIRECT_DIMENSION);
    }
    if (i == Inverse.LOWRANK || i == Inverse.LOWRANK_LANCZOS) {
      InvalidInputException.check(model.l2() + o.damping() > 0,
          "the model's l2 + damping (%s) must be > 0 for solver %s", model.l2() + o.damping(),
          i.key());
    }
  }

  /**
   * One solve's answer x &asymp; (C + &delta;I)<sup>-1</sup> g, its checked residual &Vert;(C +
   * &delta;I)x &minus; g&Vert; (absolute and relative to &Vert;g&Vert;) and iterations.
   */
  public record Step(INDArray x, double residualNorm, double relativeResidual, long iterations) {}

  /**
   * (C + &delta;I)<sup>-1</sup> g for the curvature at {@code at} (on its rows), checked with one
   * extra product: the relative residual &Vert;(C + &delta;I)x &minus; g&Vert;/&Vert;g&Vert;. Every product
   * is counted on {@code meter}, which also enforces its budget.
   */
  public static Step solve(ModelPoint at, INDArray g, Curvature curvature, Inverse inverse,
      Options o, Cost.Meter meter) {
    Model model = at.model();
    check(model, curvature, inverse, o);
    Dataset retain = at.data();
    INDArray theta = at.parameters();
    double damping = o.damping();
    if (curvature == Curvature.DIAGONAL) {
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
      return new Step(xa, 0.0, 0.0, 0);
    }
    Built b = build(at, curvature, o, meter);
    CurvatureOperator base = Operators.monitored(b.raw, meter); // counted, budget checked
    CurvatureOperator damped = damping > 0 ? base.damped(damping) : base;
    double tol = SecondOrder.reachableTolerance(o.tolerance(), model.dataType());
    INDArray x;
    long iterations;
    switch (inverse) {
      case CG -> {
        SolverResult r = Solvers.cg(damped, g, tol, o.maxIterations());
        x = r.solution();
        iterations = r.iterations();
      }
      case PCG_NYSTROM -> {
        int rank = Math.min(o.rank(), model.numParameters());
        SolverResult r = Solvers.nystromPcg(base, damping, g, rank, tol, o.maxIterations(),
            o.seed());
        x = r.solution();
        iterations = r.iterations();
      }
      case PCG_NYSTROM_ADAPTIVE -> {
        SolverResult r = Solvers.nystromPcgAdaptive(base, damping, g, o.rank(), tol,
            o.maxIterations(), o.seed()).result();
        x = r.solution();
        iterations = r.iterations();
      }
      case LISSA -> {
        double scale = o.lissaScale();
        if (scale == 0) {
          scale = Lissa.scaleFor(damped, 1.5, o.seed());
        }
        Lissa.Options options = Lissa.Options.of(scale, o.lissaIterations(), tol);
        int batch = o.lissaBatch();
        SolverResult r;
        if (batch == 0 || batch >= retain.size()) {
          r = Lissa.solve(damped, g, options);
        } else {
          SplittableRandom rng = new SplittableRandom(o.seed());
          Function<Dataset, CurvatureOperator> factory = b.onRows;
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
      default -> {
        x = inverted(model, b, base, damped, inverse, o, meter).solve(g);
        iterations = 0;
      }
    }
    // the true residual on the (damped) curvature, one extra product; not monitored, so that a
    // solve that finished is never thrown away for a budget spent just after it
    INDArray r = (damping > 0 ? b.raw.damped(damping) : b.raw).apply(x);
    meter.hvps(1);
    r.subi(g);
    double gn = SecondOrder.norm(g);
    double rn = SecondOrder.norm(r);
    return new Step(x.reshape(g.shape()).castTo(g.dataType()), rn, gn == 0 ? 0 : rn / gn,
        iterations);
  }

  /**
   * The damped curvature at {@code at}, inverted once to be applied to many right-hand sides: the
   * kinds that factorise ({@link Inverse#prepared()}). The products it took are counted on {@code
   * meter}.
   */
  public static PreparedInverse prepare(ModelPoint at, Curvature curvature, Inverse inverse,
      Options o, Cost.Meter meter) {
    check(at.model(), curvature, inverse, o);
    InvalidInputException.check(inverse.prepared(), "solver %s iterates per right-hand side and "
        + "cannot be prepared; use lowrank, lowrank-lanczos or direct", inverse.key());
    InvalidInputException.check(curvature != Curvature.DIAGONAL,
        "the diagonal curvature is inverted elementwise; use solve");
    Built b = build(at, curvature, o, meter);
    CurvatureOperator base = Operators.monitored(b.raw, meter);
    CurvatureOperator damped = o.damping() > 0 ? base.damped(o.damping()) : base;
    return inverted(at.model(), b, base, damped, inverse, o, meter);
  }

  /** A built curvature: the operator on all rows, on any rows, and the Fisher's gradients. */
  private record Built(CurvatureOperator raw, Function<Dataset, CurvatureOperator> onRows,
      INDArray fisherGradients) {}

  private static Built build(ModelPoint at, Curvature curvature, Options o, Cost.Meter meter) {
    Model model = at.model();
    INDArray theta = at.parameters();
    Dataset rows = at.data();
    return switch (curvature) {
      case HESSIAN -> new Built(Operators.hessian(at),
          d -> Operators.hessian(model.at(theta, d)), null);
      case GGN -> new Built(Operators.gaussNewton(at),
          d -> Operators.gaussNewton(model.at(theta, d)), null);
      case FISHER -> {
        Dataset fisherSet = rows;
        if (o.fisherRows() > 0 && o.fisherRows() < rows.size()) {
          fisherSet = rows.rows(SecondOrder.subsample(rows.size(), o.fisherRows(), o.seed()));
        }
        INDArray grads = SecondOrder.perExampleGradients(model, theta, fisherSet, meter);
        yield new Built(Operators.empiricalFisher(grads, model.l2()),
            d -> Operators.empiricalFisher(model.at(theta, d).perExampleGradients(), model.l2()),
            grads);
      }
      case DIAGONAL -> throw new IllegalStateException("the diagonal is inverted elementwise");
    };
  }

  private static PreparedInverse inverted(Model model, Built b, CurvatureOperator base,
      CurvatureOperator damped, Inverse inverse, Options o, Cost.Meter meter) {
    double floor = model.l2() + o.damping();
    return switch (inverse) {
      case LOWRANK, LOWRANK_LANCZOS -> {
        int rank = Math.min(o.rank(), model.numParameters());
        INDArray basis;
        double[] lambda;
        if (inverse == Inverse.LOWRANK) {
          NystromApproximation sketch = Nystrom.approximate(base, rank, o.seed());
          basis = sketch.basis();
          lambda = sketch.eigenvalues();
        } else {
          Eigenpairs e = Lanczos.largest(base, rank, o.seed());
          basis = e.vectors();
          lambda = e.values();
        }
        for (int i = 0; i < lambda.length; i++) {
          lambda[i] = Math.max(lambda[i] - model.l2(), 0); // the curvature already holds l2 I
        }
        yield Solvers.lowRankWoodbury(Operators.lowRank(basis, Nd4j.createFromArray(lambda)),
            floor);
      }
      case DIRECT -> b.fisherGradients != null
          ? Solvers.fisherWoodbury(Operators.empiricalFisher(b.fisherGradients, floor))
          : Solvers.cholesky(damped);
      default -> throw new IllegalStateException(inverse + " is not prepared");
    };
  }
}

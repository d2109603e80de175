package dev.unlearn.benchmarks.study;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.benchmarks.jmh.Problem;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.hessian.estimate.Nystrom;
import dev.unlearn.hessian.estimate.NystromApproximation;
import dev.unlearn.hessian.operator.AbstractCurvatureOperator;
import dev.unlearn.hessian.operator.CurvatureOperator;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.solve.NystromPreconditioner;
import dev.unlearn.hessian.solve.Preconditioner;
import dev.unlearn.hessian.solve.SolverResult;
import dev.unlearn.hessian.solve.Solvers;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * What else could precondition the trained digits MLP's damped Gauss-Newton system (G + &mu;I) x =
 * b to a relative residual of 1e-6 (the {@code SolveBenchmark} problem: Adam for 30 epochs, L2
 * 1e-3 in training and none in G, b the gradient), counted in matvecs with the sketch included:
 * plain CG; Nyström-PCG at fixed ranks; Jacobi PCG with three diagonals (G's exact diagonal, a
 * one-sample Monte-Carlo Fisher diagonal, the empirical Fisher diagonal); Nyström-PCG on the
 * Jacobi-scaled system; Nyström sketches of the Gauss-Newton matrix of a random subset of m
 * rows, whose products cost m/n of a full one (counted so); K-FAC at four dampings of its factors,
 * and Nyström on the K-FAC-whitened system. Prints one line per variant with its
 * matvecs, its ratio to CG and its wall time.
 *
 * <pre>
 * java -Xmx6g -Dorg.bytedeco.javacpp.maxbytes=8g -Dorg.bytedeco.javacpp.maxphysicalbytes=14g \
 *   -cp unlearn-benchmarks/target/benchmarks.jar dev.unlearn.benchmarks.study.PreconditionerStudy \
 *   [--mu 1e-4]
 * </pre>
 */
public final class PreconditionerStudy {
  private static final double TOL = 1e-6;
  private static final int MAX = 20_000;
  private static final long SEED = 3;

  private PreconditionerStudy() {}

  public static void main(String[] args) {
    double mu = 1e-4;
    if (args.length == 2 && args[0].equals("--mu")) {
      mu = Double.parseDouble(args[1]);
    } else if (args.length != 0) {
      throw new IllegalArgumentException("usage: PreconditionerStudy [--mu MU] (got "
          + String.join(" ", args) + ")");
    }
    Problem problem = Problem.DIGITS_MLP;
    Dataset data = problem.data();
    INDArray theta = Trainer.train(problem.model("float64").withL2(Problem.L2), data,
        TrainingRecipe.adam(30, 64, 1e-3, 0)).parameters();
    Model model = problem.model("float64").withL2(0.0);
    ModelPoint at = model.at(theta, data);
    CurvatureOperator g = Operators.gaussNewton(at);
    CurvatureOperator a = Operators.damped(g, mu);
    INDArray b = at.gradient();
    int p = g.dimension();
    int n = data.size();
    long t0 = System.nanoTime();
    SolverResult cg = Solvers.cg(a, b, TOL, MAX);
    double cgMatvecs = cg.matvecs();
    line("cg", cgMatvecs, cgMatvecs, t0);
    for (int rank : new int[] {32, 64, 128, 256}) {
      long t = System.nanoTime();
      SolverResult r = Solvers.nystromPcg(g, mu, b, rank, TOL, MAX, SEED);
      line("nystrom rank " + rank, r.matvecs(), cgMatvecs, t);
    }

    // Jacobi: G's exact diagonal (p unit products, not counted: an oracle), a one-sample
    // Monte-Carlo Fisher diagonal (labels drawn from the model) and the empirical Fisher's
    INDArray exact = Nd4j.create(DataType.DOUBLE, p, 1);
    for (int c0 = 0; c0 < p; c0 += 256) {
      int c1 = Math.min(p, c0 + 256);
      INDArray e = Nd4j.create(DataType.DOUBLE, new long[] {p, c1 - c0}, 'f');
      for (int j = c0; j < c1; j++) {
        e.putScalar(j, j - c0, 1.0);
      }
      INDArray cols = g.apply(e);
      for (int j = c0; j < c1; j++) {
        exact.putScalar(j, 0, cols.getDouble(j, j - c0));
      }
    }
    INDArray probs = at.probabilities();
    SplittableRandom rng = new SplittableRandom(7);
    int[] sampled = new int[n];
    for (int i = 0; i < n; i++) {
      double u = rng.nextDouble();
      int k = 0;
      double cum = probs.getDouble(i, 0);
      while (k < model.numClasses() - 1 && cum <= u) {
        k++;
        cum += probs.getDouble(i, k);
      }
      sampled[i] = k;
    }
    INDArray[] diagonals = {exact,
        squaredMean(model.at(theta, Dataset.of(data.features(), sampled, model.numClasses()))
            .perExampleGradients(), p),
        squaredMean(at.perExampleGradients(), p)};
    String[] names = {"exact GGN diagonal", "Monte-Carlo Fisher diagonal",
        "empirical Fisher diagonal"};
    for (int d = 0; d < diagonals.length; d++) {
      INDArray diag = diagonals[d].add(mu);
      long t = System.nanoTime();
      SolverResult r = Solvers.cg(a, b, TOL, MAX, Preconditioner.jacobi(diag));
      line("jacobi, " + names[d], r.matvecs(), cgMatvecs, t);
      INDArray scale = Transforms.pow(diag, -0.5);
      for (int rank : new int[] {64, 128}) {
        // Nystrom of the scaled system S = D^-1/2 A D^-1/2 as the preconditioner of A itself,
        // M^-1 = D^-1/2 P_S^-1 D^-1/2, so that PCG stops on A's own residual like the rest
        t = System.nanoTime();
        NystromApproximation sketch = Nystrom.approximate(new Scaled(a, scale), rank, SEED);
        NystromPreconditioner inner =
            new NystromPreconditioner(sketch, sketch.eigenvalues()[rank - 1] * 1e-3);
        SolverResult sr = Solvers.cg(a, b, TOL, MAX, scaledBy(inner, scale));
        line("nystrom rank " + rank + " of the system scaled by the " + names[d],
            sr.matvecs() + rank, cgMatvecs, t);
      }
    }

    // K-FAC (Martens and Grosse 2015) for the Gauss-Newton matrix: per layer, the augmented
    // inputs' second moment A and the pre-activations' Gauss-Newton factor G, inverted with
    // factored Tikhonov damping; no matvecs (its cost is a few gradients' worth of GEMMs)
    for (double boost : new double[] {0.1, 10, 100}) { // the factors' damping sqrt(mu) x boost
      long tb = System.nanoTime();
      SolverResult rb = Solvers.cg(a, b, TOL, MAX,
          Kfac.of(theta, data.features(), at.probabilities(), mu * boost * boost).inverse());
      line("k-fac, factor damping sqrt(mu) x " + boost, rb.matvecs(), cgMatvecs, tb);
    }
    Kfac kfac = Kfac.of(theta, data.features(), at.probabilities(), mu);
    long tk = System.nanoTime();
    SolverResult rk = Solvers.cg(a, b, TOL, MAX, kfac.inverse());
    line("k-fac, factor damping sqrt(mu) (no matvecs to build)", rk.matvecs(), cgMatvecs, tk);
    for (int rank : new int[] {32, 64, 128}) {
      tk = System.nanoTime();
      NystromApproximation sketch = Nystrom.approximate(kfac.whitened(a), rank, SEED);
      NystromPreconditioner inner =
          new NystromPreconditioner(sketch, sketch.eigenvalues()[rank - 1] * 1e-3);
      SolverResult r = Solvers.cg(a, b, TOL, MAX, kfac.around(inner));
      line("nystrom rank " + rank + " of the k-fac-whitened system", r.matvecs() + rank,
          cgMatvecs, tk);
    }

    // sketches of the Gauss-Newton matrix of m random rows: a product costs m/n of a full one
    for (int frac : new int[] {2, 4, 8, 16}) {
      int m = n / frac;
      int[] rows = new SplittableRandom(11).ints(0, n).distinct().limit(m).sorted().toArray();
      CurvatureOperator sub = Operators.gaussNewton(model.at(theta, data.rows(rows)));
      for (int rank : new int[] {64, 128, 256}) {
        long t = System.nanoTime();
        NystromApproximation sketch = Nystrom.approximate(sub, rank, SEED);
        SolverResult r = Solvers.nystromPcg(g, mu, b, sketch, TOL, MAX);
        line(String.format(Locale.ROOT, "nystrom rank %d of %d rows (1/%d)", rank, m, frac),
            r.matvecs() + (double) rank * m / n, cgMatvecs, t);
      }
    }
  }

  /** z = s &#8857; P<sup>-1</sup>(s &#8857; r): the inner preconditioner of the scaled system. */
  private static Preconditioner scaledBy(Preconditioner inner, INDArray scale) {
    INDArray sr = Nd4j.create(scale.dataType(), scale.length(), 1);
    return preconditioner(inner.dimension(), (r, z) -> {
      sr.assign(r).muli(scale);
      inner.apply(sr, z);
      z.muli(scale);
    });
  }

  private static Preconditioner preconditioner(int p, BiConsumer<INDArray, INDArray> apply) {
    return new Preconditioner() {
      @Override
      public int dimension() {
        return p;
      }

      @Override
      public void apply(INDArray r, INDArray z) {
        apply.accept(r, z);
      }
    };
  }

  private static INDArray squaredMean(INDArray perExample, int p) {
    return perExample.mul(perExample).mean(0).reshape(p, 1);
  }

  private static void line(String what, double matvecs, double cg, long startNanos) {
    System.out.printf(Locale.ROOT, "%-70s matvecs %7.1f  ratio to CG %.2f  %7.0f ms%n", what,
        matvecs, matvecs / cg, (System.nanoTime() - startNanos) / 1e6);
  }

  /** D<sup>-1/2</sup> A D<sup>-1/2</sup> for the diagonal scale D<sup>-1/2</sup> (p &times; 1). */
  private static final class Scaled extends AbstractCurvatureOperator {
    private final CurvatureOperator a;
    private final INDArray scale;

    Scaled(CurvatureOperator a, INDArray scale) {
      super(a.dimension(), a.dataType());
      this.a = a;
      this.scale = scale;
    }

    @Override
    protected void applyBlock(INDArray v, INDArray out) {
      a.apply(v.mulColumnVector(scale), out);
      out.muliColumnVector(scale);
    }
  }

  /**
   * K-FAC for the digits MLP 64-128-10 (tanh): per layer l, the (in + 1) &times; out block of
   * [W<sub>l</sub>; b<sub>l</sub>] (contiguous in &theta;) is preconditioned by
   * (A + &gamma;&pi;I)<sup>-s</sup> V (G + &gamma;/&pi; I)<sup>-s</sup>, &gamma; = &radic;&mu;, &pi; the
   * factored-Tikhonov ratio, s = 1
   * (the inverse) or &frac12; (the whitening for a sketch).
   */
  private static final class Kfac {
    private final int[] offset = {0, 64 * 128 + 128};
    private final int[] rows = {65, 129};
    private final int[] cols = {128, 10};
    private final INDArray[][] inv = new INDArray[2][2]; // [layer][A or G], power -1
    private final INDArray[][] invSqrt = new INDArray[2][2]; // power -1/2

    static Kfac of(INDArray theta, INDArray x, INDArray probs, double mu) {
      Kfac k = new Kfac();
      int n = (int) x.rows();
      INDArray w1 = theta.get(NDArrayIndex.interval(0, 64 * 128)).reshape('c', 64, 128);
      INDArray b1 = theta.get(NDArrayIndex.interval(64 * 128, 64 * 128 + 128));
      INDArray w2 = theta.get(NDArrayIndex.interval(8320, 8320 + 1280)).reshape('c', 128, 10);
      INDArray a1 = Transforms.tanh(x.mmul(w1).addiRowVector(b1));
      INDArray f = a1.mul(a1).rsubi(1.0); // tanh'
      INDArray ones = Nd4j.ones(DataType.DOUBLE, n, 1);
      INDArray x0 = Nd4j.hstack(x, ones);
      INDArray x1 = Nd4j.hstack(a1, ones);
      INDArray[] aFactor = {x0.transpose().mmul(x0).divi(n), x1.transpose().mmul(x1).divi(n)};
      // output layer: mean softmax Hessian diag(p) - p p^T
      INDArray g2 = Nd4j.diag(probs.sum(0)).subi(probs.transpose().mmul(probs)).divi(n);
      // hidden layer: mean_i D_i W2 H_i W2^T D_i
      //   = sum_c (w_c w_c^T) o (F^T diag(P_c) F / n) - U^T U / n, U = F o (P W2^T)
      INDArray g1 = Nd4j.create(DataType.DOUBLE, 128, 128);
      for (int c = 0; c < 10; c++) {
        INDArray wc = w2.getColumn(c).reshape(128, 1);
        INDArray fc = f.mulColumnVector(probs.getColumn(c).reshape(n, 1));
        g1.addi(wc.mmul(wc.transpose()).muli(f.transpose().mmul(fc).divi(n)));
      }
      INDArray u = f.mul(probs.mmul(w2.transpose()));
      g1.subi(u.transpose().mmul(u).divi(n));
      INDArray[] gFactor = {g1, g2};
      double gamma = Math.sqrt(mu);
      for (int l = 0; l < 2; l++) {
        double pi = Math.sqrt((trace(aFactor[l]) / k.rows[l]) / (trace(gFactor[l]) / k.cols[l]));
        k.inv[l][0] = power(aFactor[l], gamma * pi, -1.0);
        k.inv[l][1] = power(gFactor[l], gamma / pi, -1.0);
        k.invSqrt[l][0] = power(aFactor[l], gamma * pi, -0.5);
        k.invSqrt[l][1] = power(gFactor[l], gamma / pi, -0.5);
      }
      return k;
    }

    private static double trace(INDArray m) {
      double t = 0;
      for (int i = 0; i < m.rows(); i++) {
        t += m.getDouble(i, i);
      }
      return t;
    }

    /** (S + damping I)^power for a symmetric PSD S, by its eigendecomposition. */
    private static INDArray power(INDArray s, double damping, double power) {
      INDArray vectors = s.dup('f');
      INDArray values = Eigen.symmetricGeneralizedEigenvalues(vectors, true);
      INDArray scaled = vectors.dup('f');
      for (int j = 0; j < values.length(); j++) {
        double lambda = Math.max(0, values.getDouble(j)) + damping;
        scaled.getColumn(j).muli(Math.pow(lambda, power));
      }
      return scaled.mmul(vectors.transpose());
    }

    /** z = M^-s r blockwise, s the power of the given factors. */
    private void apply(INDArray[][] factors, INDArray r, INDArray z) {
      INDArray rv = r.reshape(r.length());
      INDArray zv = z.reshape(z.length());
      for (int l = 0; l < 2; l++) {
        int len = rows[l] * cols[l];
        INDArray block = rv.get(NDArrayIndex.interval(offset[l], offset[l] + len))
            .reshape('c', rows[l], cols[l]);
        INDArray out = factors[l][0].mmul(block).mmul(factors[l][1]);
        zv.get(NDArrayIndex.interval(offset[l], offset[l] + len))
            .assign(out.reshape('c', new long[] {len}));
      }
    }

    Preconditioner inverse() {
      return preconditioner(9610, (r, z) -> apply(inv, r, z));
    }

    /** M^-1/2 (G + mu I) M^-1/2, the system K-FAC whitens. */
    CurvatureOperator whitened(CurvatureOperator a) {
      Kfac self = this;
      return new AbstractCurvatureOperator(a.dimension(), a.dataType()) {
        @Override
        protected void applyBlock(INDArray v, INDArray out) {
          INDArray half = Nd4j.create(DataType.DOUBLE, v.shape(), 'f');
          for (int j = 0; j < v.columns(); j++) {
            INDArray col = Nd4j.create(DataType.DOUBLE, v.rows(), 1);
            self.apply(self.invSqrt, v.getColumn(j).dup().reshape(v.rows(), 1), col);
            half.putColumn(j, col);
          }
          INDArray product = a.apply(half);
          for (int j = 0; j < v.columns(); j++) {
            INDArray col = Nd4j.create(DataType.DOUBLE, v.rows(), 1);
            self.apply(self.invSqrt, product.getColumn(j).dup().reshape(v.rows(), 1), col);
            out.putColumn(j, col);
          }
        }
      };
    }

    /** M^-1/2 P^-1 M^-1/2: the inner preconditioner of the whitened system, on the original. */
    Preconditioner around(Preconditioner inner) {
      INDArray t = Nd4j.create(DataType.DOUBLE, 9610, 1);
      INDArray u = Nd4j.create(DataType.DOUBLE, 9610, 1);
      return preconditioner(9610, (r, z) -> {
        apply(invSqrt, r, t);
        inner.apply(t, u);
        apply(invSqrt, u, z);
      });
    }
  }
}

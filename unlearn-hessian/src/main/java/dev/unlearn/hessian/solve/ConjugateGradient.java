package dev.unlearn.hessian.solve;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.NonConvergenceException;
import dev.unlearn.hessian.internal.Checks;
import dev.unlearn.hessian.internal.Vectors;
import dev.unlearn.hessian.operator.CurvatureOperator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * (Preconditioned) conjugate gradient for A x = b with A symmetric positive definite (Hestenes &amp;
 * Stiefel 1952; Saad, <i>Iterative Methods for Sparse Linear Systems</i>, Alg. 9.1). One iteration
 * is one matvec, one preconditioner application and five level-1 operations on buffers allocated
 * once per call: nothing is allocated inside the loop. Stops when the recursive relative residual
 * &Vert;r&Vert;/&Vert;b&Vert; &le; tol, then confirms it with one extra matvec on the true residual
 * b &minus; Ax (restarting from the true residual if round-off made them differ).
 *
 * <p>Failures are typed, never a silent exit: {@link NonPositiveCurvatureException} when
 * d<sup>T</sup>Ad &le; 0 or NaN (A not positive definite) or r<sup>T</sup>M<sup>-1</sup>r &le; 0 (M not
 * positive definite); {@link IterationLimitException} when the budget runs out. A right-hand side
 * with NaN or infinity is rejected with {@link InvalidInputException}; b = 0 gives x = 0 at once.
 */
public final class ConjugateGradient {
  private ConjugateGradient() {}

  /**
   * Solves A x = b.
   *
   * @param b rank 1 (p) or p &times; 1, in A's data type; not modified
   * @param initialGuess x<sub>0</sub> of b's length, or null for zero
   * @param preconditioner an SPD approximation of A<sup>-1</sup>, or null for none
   * @param tolerance relative residual target in (0, 1)
   * @param maxIterations at least 1
   */
  public static SolverResult solve(CurvatureOperator a, INDArray b, INDArray initialGuess,
      Preconditioner preconditioner, double tolerance, int maxIterations) {
    long start = System.nanoTime();
    InvalidInputException.check(a != null, "operator must not be null");
    int p = a.dimension();
    int k = Checks.columns(b, p, a.dataType(), "b");
    InvalidInputException.check(k == 1, "b columns (%d) must be 1; use solveBlock for blocks", k);
    InvalidInputException.check(tolerance > 0 && tolerance < 1, "tolerance (%s) must be in (0, 1)", tolerance);
    InvalidInputException.check(maxIterations >= 1, "maxIterations (%d) must be >= 1", maxIterations);
    InvalidInputException.check(preconditioner == null || preconditioner.dimension() == p,
        "preconditioner dimension (%d) must be %d", preconditioner == null ? -1 : preconditioner.dimension(), p);
    INDArray rhs = Vectors.column(a.dataType(), p);
    rhs.assign(b.reshape(p, 1));
    double bn = Vectors.norm(rhs);
    InvalidInputException.check(Double.isFinite(bn), "b (norm %s) must be finite", bn);
    INDArray x = Vectors.column(a.dataType(), p);
    if (bn == 0) {
      return new SolverResult(x.reshape(b.shape()), 0, 0, new double[] {0}, true, 0, System.nanoTime() - start);
    }
    INDArray r = Vectors.column(a.dataType(), p);
    INDArray d = Vectors.column(a.dataType(), p);
    INDArray ad = Vectors.column(a.dataType(), p);
    INDArray z = preconditioner == null ? r : Vectors.column(a.dataType(), p);
    long matvecs = 0;
    Vectors.copy(rhs, r);
    if (initialGuess != null) {
      Checks.sameShape(initialGuess, b, "initialGuess", "b");
      InvalidInputException.check(initialGuess.dataType() == a.dataType(),
          "initialGuess data type (%s) must be %s", initialGuess.dataType(), a.dataType());
      x.assign(initialGuess.reshape(p, 1));
      a.apply(x, ad);
      matvecs++;
      Vectors.axpy(-1.0, ad, r);
    }
    double[] history = new double[Math.min(maxIterations + 2, 1024)];
    int h = 0;
    double rn = Vectors.norm(r);
    history[h++] = rn / bn;
    double rz = restart(r, z, d, preconditioner, 0, rn);
    int it = 0;
    if (rn / bn <= tolerance) {
      double trueRel = trueResidual(a, x, rhs, ad, bn);
      matvecs++;
      if (trueRel <= tolerance) {
        return new SolverResult(x.reshape(b.shape()), 0, matvecs, Arrays.copyOf(history, h), true,
            trueRel, System.nanoTime() - start);
      }
    }
    while (it < maxIterations) {
      it++;
      a.apply(d, ad);
      matvecs++;
      double dad = Vectors.dot(d, ad);
      if (!(dad > 0)) {
        double dd = Vectors.dot(d, d);
        throw new NonPositiveCurvatureException("conjugate gradient met non-positive curvature "
            + "(operator not positive definite)", it - 1, rn, dad / dd);
      }
      double alpha = rz / dad;
      Vectors.axpy(alpha, d, x);
      Vectors.axpy(-alpha, ad, r);
      rn = Vectors.norm(r);
      double rel = rn / bn;
      if (h == history.length) {
        history = Arrays.copyOf(history, Math.min(2 * history.length, maxIterations + 2));
      }
      history[h++] = rel;
      if (!Double.isFinite(rel)) {
        throw new NonConvergenceException("conjugate gradient broke down (non-finite residual)", it, rn);
      }
      if (rel <= tolerance) {
        double trueRel = trueResidual(a, x, rhs, ad, bn);
        matvecs++;
        if (trueRel <= tolerance) {
          return new SolverResult(x.reshape(b.shape()), it, matvecs, Arrays.copyOf(history, h), true,
              trueRel, System.nanoTime() - start);
        }
        Vectors.copy(ad, r); // the true residual, left in ad by trueResidual
        rn = trueRel * bn;
        rz = restart(r, z, d, preconditioner, it, rn);
        continue;
      }
      double rzNew;
      if (preconditioner == null) {
        rzNew = rn * rn;
      } else {
        preconditioner.apply(r, z);
        rzNew = Vectors.dot(r, z);
        if (!(rzNew > 0)) {
          throw new NonPositiveCurvatureException("preconditioner is not positive definite "
              + "(r^T M^-1 r <= 0)", it, rn, rzNew / (rn * rn));
        }
      }
      double beta = rzNew / rz;
      rz = rzNew;
      Vectors.scal(beta, d);
      Vectors.axpy(1.0, z, d);
    }
    throw new IterationLimitException("conjugate gradient did not converge in " + maxIterations
        + " iterations", it, rn, rn / bn);
  }

  /** Sets z = M^-1 r and d = z; returns r^T z. */
  private static double restart(INDArray r, INDArray z, INDArray d, Preconditioner m, int it, double rn) {
    if (m == null) {
      Vectors.copy(r, d);
      return rn * rn;
    }
    m.apply(r, z);
    double rz = Vectors.dot(r, z);
    if (!(rz > 0)) {
      throw new NonPositiveCurvatureException("preconditioner is not positive definite "
          + "(r^T M^-1 r <= 0)", it, rn, rz / (rn * rn));
    }
    Vectors.copy(z, d);
    return rz;
  }

  /** Leaves b - A x in {@code work} and returns its norm over &Vert;b&Vert;. */
  private static double trueResidual(CurvatureOperator a, INDArray x, INDArray rhs, INDArray work, double bn) {
    a.apply(x, work);
    Vectors.scal(-1.0, work);
    Vectors.axpy(1.0, rhs, work);
    return Vectors.norm(work) / bn;
  }

  /**
   * Solves A X = B for a p &times; k block, column by column (each column as in {@link #solve});
   * a failing column throws with its index in the message.
   */
  public static BlockSolverResult solveBlock(CurvatureOperator a, INDArray b,
      Preconditioner preconditioner, double tolerance, int maxIterations) {
    InvalidInputException.check(a != null, "operator must not be null");
    int k = Checks.columns(b, a.dimension(), a.dataType(), "b");
    INDArray bm = b.rank() == 1 ? b.reshape(b.length(), 1) : b;
    INDArray solution = Nd4j.create(a.dataType(), new long[] {a.dimension(), k}, 'f');
    List<SolverResult> columns = new ArrayList<>(k);
    long matvecs = 0;
    for (int j = 0; j < k; j++) {
      INDArray col = bm.get(NDArrayIndex.all(), NDArrayIndex.point(j)).dup();
      SolverResult res;
      try {
        res = solve(a, col, null, preconditioner, tolerance, maxIterations);
      } catch (NonPositiveCurvatureException e) {
        throw new NonPositiveCurvatureException("column " + j + ": " + e.getMessage(),
            e.iterations(), e.residualNorm(), e.curvature());
      } catch (IterationLimitException e) {
        throw new IterationLimitException("column " + j + ": " + e.getMessage(), e.iterations(),
            e.residualNorm(), e.relativeResidual());
      }
      solution.get(NDArrayIndex.all(), NDArrayIndex.point(j)).assign(res.solution());
      columns.add(res);
      matvecs += res.matvecs();
    }
    return new BlockSolverResult(b.rank() == 1 ? solution.reshape(b.length()) : solution, columns, matvecs);
  }
}

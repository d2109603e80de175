package dev.unlearn.hessian.solve;

import dev.unlearn.api.Cost;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The outcome of one linear solve A x = b.
 *
 * @param solution x, the shape of b (defensive copies in and out)
 * @param iterations iterations run (0 for a direct solve)
 * @param matvecs products with A used, including any sketch or residual check
 * @param residualHistory relative residual &Vert;b &minus; A x<sub>i</sub>&Vert; / &Vert;b&Vert; per
 *     iteration, starting with the initial guess (as the method tracks it; defensive copies)
 * @param converged whether the final relative residual met the tolerance
 * @param relativeResidual the final relative residual (for CG the checked, true residual)
 * @param wallNanos wall-clock time of the solve
 */
public record SolverResult(INDArray solution, int iterations, long matvecs, double[] residualHistory,
    boolean converged, double relativeResidual, long wallNanos) {
  public SolverResult {
    solution = solution.dup();
    residualHistory = residualHistory.clone();
  }

  @Override
  public INDArray solution() {
    return solution.dup();
  }

  @Override
  public double[] residualHistory() {
    return residualHistory.clone();
  }

  /** The solve as a {@link Cost}: matvecs as HVPs, iterations as solver iterations. */
  public Cost cost() {
    return new Cost(wallNanos, 0, matvecs, iterations, -1);
  }
}

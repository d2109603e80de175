package dev.unlearn.hessian.solve;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The outcome of solving A X = B for a p &times; k block B, one column at a time.
 *
 * @param solution X, p &times; k (defensive copies)
 * @param columns the per-column results, in order
 * @param matvecs total products with A
 */
public record BlockSolverResult(INDArray solution, List<SolverResult> columns, long matvecs) {
  public BlockSolverResult {
    solution = solution.dup();
    columns = List.copyOf(columns);
  }

  @Override
  public INDArray solution() {
    return solution.dup();
  }

  /** Whether every column converged. */
  public boolean converged() {
    return columns.stream().allMatch(SolverResult::converged);
  }
}

package dev.unlearn.hessian.solve;

import dev.unlearn.hessian.estimate.NystromApproximation;

/**
 * The answer of {@link Solvers#nystromPcgAdaptive}.
 *
 * @param result the solve; its matvecs count every sketch product
 * @param sketch the last sketch, whose size ({@link NystromApproximation#matvecs()}) is the rank
 *     chosen
 * @param growths how many times the sketch was doubled
 */
public record AdaptiveNystromSolve(SolverResult result, NystromApproximation sketch, int growths) {}

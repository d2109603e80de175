package dev.unlearn.api;

import java.time.Duration;

/**
 * One progress report of a running method, given to a {@link ProgressListener}.
 *
 * @param phase what the method is doing: {@code "epoch"} (first-order methods and Adam/SGD
 *     training), {@code "lbfgs"} (L-BFGS iterations), {@code "newton-step"}, or
 *     {@code "curvature-products"} (each Hessian-, Gauss-Newton- or Fisher-vector product of a
 *     solver or sketch)
 * @param iteration the iteration of that phase, counting from 1
 * @param loss the objective the phase minimises at that iteration, NaN when it has none
 * @param elapsed time since the run started
 */
public record Progress(String phase, long iteration, double loss, Duration elapsed) {}

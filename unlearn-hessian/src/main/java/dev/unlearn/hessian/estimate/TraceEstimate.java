package dev.unlearn.hessian.estimate;

/**
 * A randomized estimate of tr(A).
 *
 * @param value the estimate
 * @param standardError the sample standard deviation of the averaged per-probe terms divided by
 *     &radic;(probes); NaN with fewer than two probes. For Hutch++ it is that of the residual
 *     Hutchinson part (the deflated part is deterministic given the sketch).
 * @param matvecs operator products used
 * @param probes random probe vectors averaged
 */
public record TraceEstimate(double value, double standardError, long matvecs, int probes) {}

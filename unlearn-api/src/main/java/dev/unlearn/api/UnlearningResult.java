package dev.unlearn.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The outcome of one unlearning run: the new parameters, what it cost, named diagnostics (for
 * example {@code "residual-norm"}, {@code "solver-iterations"}), whether every inner solve converged,
 * for certified methods the certificate, and why the run ended: {@link Termination#COMPLETED}, or
 * early because the request's budget was spent or its listener said stop (then {@code converged} is
 * false and the parameters are the best the method had, &theta; itself when it had nothing better).
 */
public record UnlearningResult(INDArray parameters, Cost cost, Map<String, Double> diagnostics,
    boolean converged, Optional<Certificate> certificate, Termination termination) {

  public UnlearningResult {
    InvalidInputException.check(parameters != null, "parameters must not be null");
    InvalidInputException.check(cost != null, "cost must not be null");
    InvalidInputException.check(termination != null, "termination must not be null");
    diagnostics = Collections.unmodifiableMap(new LinkedHashMap<>(diagnostics));
    certificate = certificate == null ? Optional.empty() : certificate;
    converged = converged && termination == Termination.COMPLETED;
  }

  /** A run that ended normally ({@link Termination#COMPLETED}). */
  public UnlearningResult(INDArray parameters, Cost cost, Map<String, Double> diagnostics,
      boolean converged, Optional<Certificate> certificate) {
    this(parameters, cost, diagnostics, converged, certificate, Termination.COMPLETED);
  }

  /** Whether the run ended early (budget spent or stopped by its listener). */
  public boolean endedEarly() {
    return termination != Termination.COMPLETED;
  }

  /** A converged result without diagnostics or certificate. */
  public static UnlearningResult of(INDArray parameters, Cost cost) {
    return new UnlearningResult(parameters, cost, Map.of(), true, Optional.empty());
  }

  /** A converged result with diagnostics. */
  public static UnlearningResult of(INDArray parameters, Cost cost, Map<String, Double> diagnostics) {
    return new UnlearningResult(parameters, cost, diagnostics, true, Optional.empty());
  }
}

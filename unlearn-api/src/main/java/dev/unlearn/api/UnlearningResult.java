package dev.unlearn.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The outcome of one unlearning run: the new parameters, what it cost, named diagnostics (for
 * example {@code "residual-norm"}, {@code "solver-iterations"}), whether every inner solve converged,
 * and, for certified methods, the certificate.
 */
public record UnlearningResult(INDArray parameters, Cost cost, Map<String, Double> diagnostics,
    boolean converged, Optional<Certificate> certificate) {

  public UnlearningResult {
    InvalidInputException.check(parameters != null, "parameters must not be null");
    InvalidInputException.check(cost != null, "cost must not be null");
    diagnostics = Collections.unmodifiableMap(new LinkedHashMap<>(diagnostics));
    certificate = certificate == null ? Optional.empty() : certificate;
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

package dev.unlearn.hessian.service;

import dev.unlearn.api.Certificate;
import dev.unlearn.api.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one served deletion request puts in the journal. The deleted ids are hashed by the journal
 * (salted SHA-256, one hash per id), never written; parameters are given as their {@link
 * ParameterHash}es.
 *
 * @param requestId the caller's id of the request
 * @param idKind "rows" or "groups": what the ids name
 * @param ids the deleted row or group ids
 * @param remainingRows training rows left after this request
 * @param method how the request was served (for example {@code newton-downdate})
 * @param hyperparameters the method's settings, as text
 * @param parametersBefore the hash of θ before the request
 * @param parametersAfter the hash of θ after it
 * @param cost what serving it cost (seconds, gradient evaluations, matrix-vector products, ...)
 * @param certificate the removal certificate and its budget, or null when the method gives none
 * @param verification figures that show the deletion worked: forget-set loss and accuracy before
 *     and after, and the like
 */
public record JournalRecord(String requestId, String idKind, long[] ids, int remainingRows,
    String method, Map<String, String> hyperparameters, String parametersBefore,
    String parametersAfter, Map<String, Double> cost, Certificate certificate,
    Map<String, Double> verification) {

  /** Validates and copies (the caller's arrays and maps are not kept). */
  public JournalRecord {
    InvalidInputException.check(requestId != null && !requestId.isBlank(),
        "requestId must not be blank");
    InvalidInputException.check("rows".equals(idKind) || "groups".equals(idKind),
        "idKind (%s) must be rows or groups", idKind);
    InvalidInputException.check(ids != null && ids.length > 0, "ids must not be empty");
    InvalidInputException.check(remainingRows >= 0, "remainingRows (%d) must be >= 0",
        remainingRows);
    InvalidInputException.check(method != null && !method.isBlank(), "method must not be blank");
    InvalidInputException.check(parametersBefore != null && parametersAfter != null,
        "parameter hashes must not be null");
    ids = ids.clone();
    hyperparameters = hyperparameters == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    cost = cost == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cost));
    verification = verification == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(verification));
  }

  @Override
  public long[] ids() {
    return ids.clone();
  }
}

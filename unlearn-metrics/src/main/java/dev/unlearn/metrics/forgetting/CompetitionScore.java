package dev.unlearn.metrics.forgetting;

import dev.unlearn.api.InvalidInputException;

/**
 * The final score of the NeurIPS 2023 unlearning competition (Triantafillou et al., arXiv
 * 2406.09073; docs/metrics.md, "The competition score F" step 8): {@code F × (RA_U / RA_R) × (TA_U / TA_R)}, where RA and
 * TA are the mean retain and test accuracies over the N unlearned (U) and N retrained (R) models.
 * The ratios are not capped, so an unlearner more accurate than retraining scores above F.
 *
 * <pre>{@code
 * CompetitionScore s = CompetitionScore.of(ForgettingScore.compute(u, r),
 *     retainAccU, retainAccR, testAccU, testAccR);   // per-model accuracies
 * double score = s.finalScore();
 * }</pre>
 *
 * <p>Accuracies must be finite and in [0, 1], the retrained means strictly positive; NaN,
 * infinite or empty input fails with {@link InvalidInputException}.
 *
 * @param forgettingQuality F
 * @param retainAccuracyRatio RA_U / RA_R
 * @param testAccuracyRatio TA_U / TA_R
 * @param finalScore F × RA_U / RA_R × TA_U / TA_R
 */
public record CompetitionScore(
    double forgettingQuality, double retainAccuracyRatio, double testAccuracyRatio,
    double finalScore) {

  /** Combines F with the mean accuracies (each already averaged over its N models). */
  public static CompetitionScore of(double forgettingQuality, double retainAccuracyUnlearned,
      double retainAccuracyRetrained, double testAccuracyUnlearned, double testAccuracyRetrained) {
    InvalidInputException.check(forgettingQuality >= 0 && forgettingQuality <= 1,
        "forgettingQuality (%s) must be in [0, 1]", forgettingQuality);
    checkAccuracy("retainAccuracyUnlearned", retainAccuracyUnlearned);
    checkAccuracy("retainAccuracyRetrained", retainAccuracyRetrained);
    checkAccuracy("testAccuracyUnlearned", testAccuracyUnlearned);
    checkAccuracy("testAccuracyRetrained", testAccuracyRetrained);
    InvalidInputException.check(retainAccuracyRetrained > 0,
        "retainAccuracyRetrained (%s) must be > 0", retainAccuracyRetrained);
    InvalidInputException.check(testAccuracyRetrained > 0,
        "testAccuracyRetrained (%s) must be > 0", testAccuracyRetrained);
    double ra = retainAccuracyUnlearned / retainAccuracyRetrained;
    double ta = testAccuracyUnlearned / testAccuracyRetrained;
    return new CompetitionScore(forgettingQuality, ra, ta, forgettingQuality * ra * ta);
  }

  /** Combines a forgetting result with per-model accuracies (averaged here, N values each). */
  public static CompetitionScore of(ForgettingResult forgetting, double[] retainAccuracyUnlearned,
      double[] retainAccuracyRetrained, double[] testAccuracyUnlearned,
      double[] testAccuracyRetrained) {
    return of(forgetting.forgettingQuality(),
        mean("retainAccuracyUnlearned", retainAccuracyUnlearned),
        mean("retainAccuracyRetrained", retainAccuracyRetrained),
        mean("testAccuracyUnlearned", testAccuracyUnlearned),
        mean("testAccuracyRetrained", testAccuracyRetrained));
  }

  private static double mean(String name, double[] values) {
    InvalidInputException.check(values != null && values.length > 0,
        "%s (%s) must be non-empty", name, values == null ? "null" : "length 0");
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      checkAccuracy(name + "[" + i + "]", values[i]);
      sum += values[i];
    }
    return sum / values.length;
  }

  private static void checkAccuracy(String name, double value) {
    InvalidInputException.check(value >= 0 && value <= 1, "%s (%s) must be in [0, 1]", name, value);
  }
}

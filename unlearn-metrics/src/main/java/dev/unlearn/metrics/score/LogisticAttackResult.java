package dev.unlearn.metrics.score;

/**
 * The outcome of {@link MembershipInference#logisticAttack}: what the attack says about the forget
 * set, and the fitted model. Immutable.
 *
 * @param forgetMembershipMean the mean predicted membership probability over the forget set (≈ the
 *     retrained model's value when unlearning worked; near 1 when the forget set still looks like
 *     training data)
 * @param forgetMemberFraction the fraction of forget examples with membership probability &gt; ½
 * @param trainAccuracy the attack's accuracy on its own balanced training set (½ = no signal)
 * @param coefficient w, on the standardised loss (negative when low loss means member)
 * @param intercept b
 * @param featureMean the mean loss used to standardise
 * @param featureScale the standard deviation used to standardise (1 if it was 0)
 * @param samplesPerClass the size of each balanced training class
 * @param iterations the Newton iterations taken
 */
public record LogisticAttackResult(
    double forgetMembershipMean, double forgetMemberFraction, double trainAccuracy,
    double coefficient, double intercept, double featureMean, double featureScale,
    int samplesPerClass, int iterations) {}

package dev.unlearn.metrics.harness;

/**
 * Utility and privacy scores of a group of models (the original: one model; the retrained
 * reference: N models), each the mean over the group's models. Defined in {@code docs/metrics.md}.
 *
 * @param models the number of models averaged
 * @param retainAccuracy accuracy on the retain set
 * @param forgetAccuracy accuracy on the forget set
 * @param testAccuracy accuracy on the test set
 * @param retainLoss mean cross-entropy on the retain set (no regularisation)
 * @param forgetLoss mean cross-entropy on the forget set
 * @param testLoss mean cross-entropy on the test set
 * @param miaAuc loss-threshold membership-inference AUC, forget (members) vs test
 * @param attackForgetMembership the logistic attack's mean membership probability on the forget set
 * @param gradientResidual &Vert;&nabla;L<sub>r</sub>(&theta;)&Vert;<sub>2</sub>, the gradient of the
 *     regularised retain objective
 */
public record GroupScores(int models, double retainAccuracy, double forgetAccuracy,
    double testAccuracy, double retainLoss, double forgetLoss, double testLoss, double miaAuc,
    double attackForgetMembership, double gradientResidual) {}

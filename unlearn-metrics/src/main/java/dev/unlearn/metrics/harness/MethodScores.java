package dev.unlearn.metrics.harness;

/**
 * The deterministic scores of one unlearning method over its N runs (means over the runs unless
 * said otherwise); every field is defined in {@code docs/metrics.md}. Run i is compared with
 * retrained model i.
 *
 * @param forgettingQuality F, the competition's forgetting quality (docs/metrics.md, "The competition score F")
 * @param medianEpsilon the median over forget examples of &epsilon;<sub>s</sub>
 * @param retainAccuracyRatio RA_U / RA_R (not capped)
 * @param testAccuracyRatio TA_U / TA_R (not capped)
 * @param finalScore F &times; RA_U / RA_R &times; TA_U / TA_R
 * @param retainAccuracy RA_U, the mean retain accuracy of the unlearned models
 * @param forgetAccuracy the mean forget accuracy
 * @param testAccuracy TA_U
 * @param retainLoss the mean retain cross-entropy
 * @param forgetLoss the mean forget cross-entropy
 * @param testLoss the mean test cross-entropy
 * @param klForget mean over runs i of the mean over forget rows of KL(p_retrained,i &Vert; p_unlearned,i)
 * @param klTest the same on test rows
 * @param jsForget Jensen&ndash;Shannon on forget rows, averaged the same way
 * @param jsTest Jensen&ndash;Shannon on test rows
 * @param miaAuc the loss-threshold AUC, forget vs test
 * @param miaAucGap {@code miaAuc} minus the retrained models' mean AUC
 * @param attackForgetMembership the logistic attack's mean membership probability on the forget set
 * @param parameterDistance &Vert;&theta;<sub>u,i</sub> &minus; &theta;<sub>r,i</sub>&Vert; /
 *     &Vert;&theta;<sub>r,i</sub>&Vert;
 * @param gradientResidual &Vert;&nabla;L<sub>r</sub>(&theta;<sub>u,i</sub>)&Vert;<sub>2</sub>
 * @param gradientEquivalents the unlearner's reported gradient-equivalents (full-batch gradients on
 *     the training set), mean per run
 * @param hessianVectorProducts curvature-vector products, mean per run
 * @param convergedFraction the fraction of runs that reported convergence
 */
public record MethodScores(double forgettingQuality, double medianEpsilon,
    double retainAccuracyRatio, double testAccuracyRatio, double finalScore, double retainAccuracy,
    double forgetAccuracy, double testAccuracy, double retainLoss, double forgetLoss,
    double testLoss, double klForget, double klTest, double jsForget, double jsTest, double miaAuc,
    double miaAucGap, double attackForgetMembership, double parameterDistance,
    double gradientResidual, double gradientEquivalents, double hessianVectorProducts,
    double convergedFraction) {}

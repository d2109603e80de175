/**
 * The second-order unlearners, registered as {@link dev.unlearn.api.Unlearner} plugins: {@code
 * newton} (a damped Newton step on the retain objective with a selectable curvature and solver),
 * {@code certified-removal} (Guo et al. 2020, with its perturbed-training helper {@link
 * dev.unlearn.hessian.unlearner.CertifiedRemoval}), {@code fisher-removal} and {@code
 * fisher-forgetting} (Gu et al. 2024; Golatkar et al. 2020, with the exact fractional powers of
 * {@link dev.unlearn.hessian.unlearner.FisherPower}) and {@code ssd} (Foster et al. 2023). May use
 * the JDK, {@code nd4j-api}, {@code dev.unlearn.api}, {@code dev.unlearn.core} (the base class, the
 * trainer and the model families) and the other {@code dev.unlearn.hessian} packages.
 */
package dev.unlearn.hessian.unlearner;

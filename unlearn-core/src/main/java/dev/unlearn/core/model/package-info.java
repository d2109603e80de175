/**
 * Model families with exact derivatives, implementing {@link dev.unlearn.api.Model}: multinomial
 * logistic regression ({@link dev.unlearn.core.model.LogisticRegression}), the multilayer
 * perceptron of any depth ({@link dev.unlearn.core.model.Mlp}) and a finite-difference HVP adapter
 * for models that only have gradients ({@link dev.unlearn.core.model.FiniteDifferenceHvpModel}).
 * Gradients, Hessian-vector products (Pearlmutter's R-operator), Gauss-Newton products and
 * per-example gradients are computed with whole-batch matrix products ({@code Nd4j.gemm}) and fused
 * plain-Java loops over preallocated buffers; the package may use unlearn-api and ND4J's API only.
 */
package dev.unlearn.core.model;

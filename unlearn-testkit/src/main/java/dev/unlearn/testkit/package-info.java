/**
 * The test kit for plugin and model authors: {@link dev.unlearn.testkit.UnlearnerConformanceTest}
 * (every unlearner's test extends it), {@link dev.unlearn.testkit.ModelDerivativesContract}
 * (every model's test extends it: finite differences, dense Hessian, symmetry), the one
 * {@link dev.unlearn.testkit.Tolerance} rule, plain-Java oracles in
 * {@link dev.unlearn.testkit.Numerics}, and small {@link dev.unlearn.testkit.Fixture}s. It is a
 * normal artifact that brings JUnit 5 and AssertJ, so one {@code test}-scoped dependency on
 * {@code unlearn-testkit} gives a plugin author running tests. It registers no unlearner. Uses
 * the api and core modules.
 */
package dev.unlearn.testkit;

/**
 * The service interface of Unlearn and the value types it speaks: {@link dev.unlearn.api.Unlearner}
 * (found with {@link java.util.ServiceLoader}), {@link dev.unlearn.api.Model} and its cached
 * evaluation {@link dev.unlearn.api.ModelPoint}, {@link dev.unlearn.api.Dataset},
 * {@link dev.unlearn.api.TrainingRecipe}, {@link dev.unlearn.api.UnlearningRequest},
 * {@link dev.unlearn.api.UnlearningResult}, {@link dev.unlearn.api.Cost}, typed
 * {@link dev.unlearn.api.Hyperparameter}s and the exception hierarchy rooted at
 * {@link dev.unlearn.api.UnlearningException}.
 *
 * <p>This package may use the JDK and {@code nd4j-api} (interfaces only, no backend);
 * nothing else.
 */
package dev.unlearn.api;

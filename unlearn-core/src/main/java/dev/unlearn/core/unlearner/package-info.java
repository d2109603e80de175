/**
 * The first-order unlearners, each a registered {@link dev.unlearn.api.Unlearner} plugin with
 * declared hyperparameters: {@code retrain} (the oracle), {@code finetune}, {@code gradient-ascent},
 * {@code neggrad-plus}, {@code random-label}, {@code erase-repair} and {@code scrub}; and
 * {@link dev.unlearn.core.unlearner.AbstractUnlearner}, the base class that checks requests,
 * resolves hyperparameters and meters cost (plugin authors may extend it). Uses the API, the
 * trainer and core internals.
 */
package dev.unlearn.core.unlearner;

/**
 * Discovery of {@link dev.unlearn.api.Unlearner} implementations with
 * {@link java.util.ServiceLoader}: {@link dev.unlearn.core.registry.Unlearners} (the default
 * registry, built once) and {@link dev.unlearn.core.registry.UnlearnerRegistry} (an immutable
 * registry over any class loader). Uses the API and the JDK only.
 */
package dev.unlearn.core.registry;

/**
 * Internals of unlearn-core shared by its packages and by the other Unlearn modules: small
 * {@code double[]} vector helpers, first-order optimiser steps and seeded minibatch orders. Not a
 * public API: it may change without notice. Uses the API and ND4J only.
 */
package dev.unlearn.core.internal;

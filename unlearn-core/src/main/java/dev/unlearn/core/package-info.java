/**
 * The core of Unlearn: the unlearner registry ({@code registry}), model families with exact
 * derivatives ({@code model}), trainers ({@code train}), data sets and forget-set selection
 * ({@code data}) and the first-order unlearners ({@code unlearner}). Depends on unlearn-api only.
 */
package dev.unlearn.core;

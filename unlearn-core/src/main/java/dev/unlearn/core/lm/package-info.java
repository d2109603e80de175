/**
 * A small causal language model and the canary experiments of Carlini et al. (2019, "The Secret
 * Sharer") used by Gu et al. (2024): a character vocabulary ({@link
 * dev.unlearn.core.lm.CharVocabulary}), the embedded Devil's Dictionary corpus whose entries are
 * documents with group ids ({@link dev.unlearn.core.lm.DevilsDictionary}, {@link
 * dev.unlearn.core.lm.Corpus}), a character-level neural n-gram model with exact derivatives that
 * implements {@link dev.unlearn.api.Model} ({@link dev.unlearn.core.lm.CharNgramModel}), sequence
 * log-likelihood and perplexity ({@link dev.unlearn.core.lm.SequenceScores}), canary insertion
 * ({@link dev.unlearn.core.lm.Canaries}) and exposure ({@link dev.unlearn.core.lm.CanaryExposure}).
 * Exposure lives here rather than in unlearn-metrics because scoring candidates needs the model's
 * batched forward pass and core cannot depend on metrics. Uses unlearn-api, the JDK and ND4J's API
 * (whole-batch matrix products); gathers and scatters are plain Java loops. Deterministic for a
 * given seed; no logging.
 */
package dev.unlearn.core.lm;

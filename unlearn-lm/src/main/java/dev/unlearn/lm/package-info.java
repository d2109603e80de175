/**
 * A small causal language model and the canary experiments of Carlini et al. (2019, "The Secret
 * Sharer") used by Gu et al. (2024): a character vocabulary ({@link
 * dev.unlearn.lm.CharVocabulary}), the embedded Devil's Dictionary corpus whose entries are
 * documents with group ids ({@link dev.unlearn.lm.DevilsDictionary}, {@link
 * dev.unlearn.lm.Corpus}), a character-level neural n-gram model with exact derivatives that
 * implements {@link dev.unlearn.api.Model} ({@link dev.unlearn.lm.CharNgramModel}), sequence
 * log-likelihood and perplexity ({@link dev.unlearn.lm.SequenceScores}), canary insertion
 * ({@link dev.unlearn.lm.Canaries}) and the batched log-perplexities of canaries and candidate
 * secrets ({@link dev.unlearn.lm.CanaryScoring}), from which unlearn-metrics' {@code Exposure}
 * computes exposure. Uses unlearn-api, unlearn-core, the JDK and ND4J's API
 * (whole-batch matrix products); gathers and scatters are plain Java loops. Deterministic for a
 * given seed; no logging.
 */
package dev.unlearn.lm;

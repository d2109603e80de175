/**
 * Data sets, preprocessing and forget-set selection: the embedded UCI digits ({@link
 * dev.unlearn.core.data.Digits}), a CSV reader ({@link dev.unlearn.core.data.CsvLoader}), the
 * seeded synthetic teacher data of the peer benchmarks ({@link
 * dev.unlearn.core.data.SyntheticData}), z-scoring with training statistics ({@link
 * dev.unlearn.core.data.Standardizer}), train/test splits that reproduce scikit-learn's row by
 * row ({@link dev.unlearn.core.data.Splits}) and selectors of forget rows ({@link
 * dev.unlearn.core.data.ForgetSets}). Everything here returns immutable values and is
 * deterministic for a given seed. Uses the JDK, unlearn-api's {@code Dataset} and ND4J's API (for
 * whole-batch matrix products only); no backend, no logging.
 */
package dev.unlearn.core.data;

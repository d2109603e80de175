package dev.unlearn.metrics.harness;

/**
 * The seeds the harness derives from its one seed: independent streams (retrained models,
 * unlearning runs, attacks) indexed by model number, by SplitMix64 mixing (Steele, Lea and Flood
 * 2014). Pure functions; the same seed gives the same seeds on every JVM.
 */
final class Seeds {
  /** The stream of the retrained models' recipe seeds. */
  static final long RETRAINED = 1;
  /** The stream of the unlearning runs' request seeds (shared by every method). */
  static final long UNLEARNING = 2;
  /** The stream of the logistic attack's subsampling seeds. */
  static final long ATTACK = 3;

  private Seeds() {}

  /** The seed of model {@code index} in {@code stream}. */
  static long derive(long seed, long stream, long index) {
    return mix64(mix64(seed ^ mix64(stream * 0xD1B54A32D192ED03L)) + index * 0x9E3779B97F4A7C15L);
  }

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

package dev.unlearn.benchmarks.jmh;

/**
 * The memory limits of every forked benchmark JVM (docs/performance.md: ND4J frees off-heap memory only
 * when the garbage collector runs, so both limits are explicit). Sized for the largest problem
 * (MLP 784-512-10, n = 10 000) on a 24 GiB machine.
 */
final class Jvm {
  static final String HEAP = "-Xmx4g";
  static final String MAX_BYTES = "-Dorg.bytedeco.javacpp.maxbytes=8g";
  static final String MAX_PHYSICAL = "-Dorg.bytedeco.javacpp.maxphysicalbytes=13g";

  private Jvm() {}
}

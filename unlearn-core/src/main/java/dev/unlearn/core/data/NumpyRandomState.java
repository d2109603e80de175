package dev.unlearn.core.data;

import dev.unlearn.api.InvalidInputException;

/**
 * A port of the parts of numpy's legacy {@code RandomState} (Mersenne Twister MT19937, Matsumoto
 * and Nishimura 1998) that scikit-learn's shuffle splits use: integer seeding, {@code
 * random_interval} and the Fisher&ndash;Yates {@code shuffle} behind {@code permutation} and
 * {@code choice(replace=False)}. With it {@link Splits} returns the very rows that {@code
 * sklearn.model_selection.train_test_split} returns for the same integer seed. Not thread-safe;
 * one instance per split.
 */
final class NumpyRandomState {
  private static final int N = 624;
  private static final int M = 397;
  private final int[] mt = new int[N];
  private int pos;

  /** {@code numpy.random.RandomState(seed)} for an integer seed in {@code [0, 2^32)}. */
  NumpyRandomState(long seed) {
    InvalidInputException.check(seed >= 0 && seed <= 0xffffffffL,
        "seed (%d) must be in [0, 4294967295] (numpy RandomState seeds are 32-bit)", seed);
    mt[0] = (int) seed;
    for (int i = 1; i < N; i++) {
      mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }
    pos = N;
  }

  /** The next 32-bit output, as an unsigned value in an int. */
  int nextInt() {
    if (pos >= N) {
      regenerate();
    }
    int y = mt[pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y;
  }

  private void regenerate() {
    for (int i = 0; i < N; i++) {
      int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
      mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
    }
    pos = 0;
  }

  /** numpy's {@code random_interval(max)}: uniform in {@code [0, max]} by masked rejection. */
  int interval(int max) {
    if (max == 0) {
      return 0;
    }
    int mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    int value;
    do {
      value = nextInt() & mask;
    } while (value > max);
    return value;
  }

  /** {@code RandomState.shuffle} of a one-dimensional array, in place. */
  void shuffle(int[] a) {
    for (int i = a.length - 1; i >= 1; i--) {
      int j = interval(i);
      int t = a[j];
      a[j] = a[i];
      a[i] = t;
    }
  }

  /** {@code RandomState.permutation(n)}. */
  int[] permutation(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    shuffle(a);
    return a;
  }
}

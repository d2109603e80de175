package dev.unlearn.core.internal;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded minibatch orders: each call to {@link #nextEpoch()} shuffles the rows (Fisher-Yates with
 * one {@link SplittableRandom} stream for the whole run) and cuts them into batches; rows inside a
 * batch are sorted (the batch mean does not depend on their order).
 */
public final class Batches {
  private final int[] order;
  private final int batchSize;
  private final SplittableRandom rng;

  public Batches(int n, int batchSize, long seed) {
    if (n < 1 || batchSize < 1) {
      throw new IllegalArgumentException("n (" + n + ") and batchSize (" + batchSize + ") must be >= 1");
    }
    this.order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    this.batchSize = Math.min(batchSize, n);
    this.rng = new SplittableRandom(seed);
  }

  /** The batches of the next epoch, as row indices. */
  public int[][] nextEpoch() {
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int count = (order.length + batchSize - 1) / batchSize;
    int[][] out = new int[count][];
    for (int b = 0; b < count; b++) {
      int from = b * batchSize;
      out[b] = Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize));
      Arrays.sort(out[b]);
    }
    return out;
  }
}

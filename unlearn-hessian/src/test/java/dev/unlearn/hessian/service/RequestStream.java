package dev.unlearn.hessian.service;

import dev.unlearn.api.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded stream of deletion requests over a training set: each request draws rows not drawn
 * before, and the rows that remain after it are the oracle's training set.
 */
final class RequestStream {
  private final Dataset train;
  private final Random random;
  private final List<Integer> pool = new ArrayList<>();
  private final List<Integer> gone = new ArrayList<>();

  RequestStream(Dataset train, long seed) {
    this.train = train;
    this.random = new Random(seed);
    for (int i = 0; i < train.size(); i++) {
      pool.add(i);
    }
  }

  /** The next request: count rows drawn uniformly from those not drawn yet. */
  int[] next(int count) {
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = pool.remove(random.nextInt(pool.size()));
      gone.add(out[i]);
    }
    return out;
  }

  /** The training set without every row drawn so far. */
  Dataset remaining() {
    return train.without(gone.stream().mapToInt(Integer::intValue).toArray());
  }
}

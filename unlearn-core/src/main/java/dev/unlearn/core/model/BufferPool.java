package dev.unlearn.core.model;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The off-heap buffers of a {@link Network}'s points, kept and handed from point to point. ND4J
 * frees off-heap memory only after a garbage collection, so a fresh allocation per {@code
 * model.at(θ, X)} (205 MB for MLP 784-512-10 at n = 10 000) costs page faults, a native
 * allocation and, near the JavaCPP limit, forced collections; the trainer and a benchmark loop
 * create points in a row (the Model convenience methods reuse one point per thread, which keeps
 * a lease the same way).
 *
 * <p>A point owns its {@link NetworkPoint.Lease} while it is the lease's most recent user. The
 * pool keeps at most {@value #PER_SHAPE} leases per shape (n, data type) and {@value #TOTAL} in
 * all; a point that needs buffers takes a lease whose owner is gone (collected), else a new one
 * while under the limit, else steals the least recently used idle one. A point whose lease was
 * stolen recomputes its forward pass into another lease on its next use, so results never
 * change, only their cost. A lease in use (between {@link #begin} and {@link #end}) is never
 * stolen; when every lease of a shape is in use, a new unpooled one is made. Thread-safe.
 */
final class BufferPool {
  static final int PER_SHAPE = 2;
  static final int TOTAL = 6;

  private final List<NetworkPoint.Lease> leases = new ArrayList<>();
  private long clock;

  /**
   * Marks the point's lease in use and returns it, after giving the point a lease if it has none
   * (or lost it); the caller runs the forward pass when the returned lease is marked {@code
   * fresh} (newly handed to this point, whatever it held before).
   */
  synchronized NetworkPoint.Lease begin(NetworkPoint point, int n, DataType type,
      Supplier<NetworkPoint.Lease> factory) {
    NetworkPoint.Lease cur = point.lease;
    if (cur != null && cur.owner.get() == point) {
      cur.busy = true;
      cur.fresh = false;
      cur.lastUsed = ++clock;
      return cur;
    }
    NetworkPoint.Lease free = null;
    NetworkPoint.Lease lru = null;
    int sameShape = 0;
    for (NetworkPoint.Lease l : leases) {
      if (l.n != n || l.type != type) {
        continue;
      }
      sameShape++;
      if (l.busy) {
        continue;
      }
      if (l.owner.get() == null) {
        free = l;
        break;
      }
      if (lru == null || l.lastUsed < lru.lastUsed) {
        lru = l;
      }
    }
    NetworkPoint.Lease taken = free;
    if (taken == null && sameShape >= PER_SHAPE) {
      taken = lru;
    }
    if (taken == null) {
      taken = factory.get();
      if (sameShape < PER_SHAPE) {
        if (leases.size() >= TOTAL) {
          evictOne();
        }
        if (leases.size() < TOTAL) {
          leases.add(taken);
        }
      }
    }
    taken.owner = new WeakReference<>(point);
    taken.busy = true;
    taken.fresh = true;
    taken.lastUsed = ++clock;
    return taken;
  }

  /** Marks the lease idle again. */
  synchronized void end(NetworkPoint.Lease lease) {
    lease.busy = false;
  }

  /** Drops the least recently used idle lease from the pool (its owner keeps it). */
  private void evictOne() {
    int victim = -1;
    for (int i = 0; i < leases.size(); i++) {
      NetworkPoint.Lease l = leases.get(i);
      if (!l.busy && (victim < 0 || l.lastUsed < leases.get(victim).lastUsed)) {
        victim = i;
      }
    }
    if (victim >= 0) {
      leases.remove(victim);
    }
  }

  /** The number of pooled leases (for tests). */
  synchronized int size() {
    return leases.size();
  }
}

package dev.unlearn.core.model;

import java.lang.ref.WeakReference;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * NIO views of ND4J data buffers for the hot loops, cached per thread (a few dozen buffers, weakly
 * held, replaced round-robin) so that a loop that sees the same buffers again gets its views
 * without allocating: {@code DataBuffer.asNioDouble()} makes two new objects each call. A view is
 * returned cleared (position 0, limit its capacity) and must not be kept past the caller's call.
 */
final class NioViews {
  private static final int SLOTS = 32;
  private static final ThreadLocal<NioViews> CACHE = ThreadLocal.withInitial(NioViews::new);

  @SuppressWarnings("unchecked")
  private final WeakReference<DataBuffer>[] keys = new WeakReference[SLOTS];
  private final java.nio.Buffer[] views = new java.nio.Buffer[SLOTS];
  private int next;

  private NioViews() {}

  /** The buffer of x (float64) as a cleared view; element i of x's storage is index i. */
  static DoubleBuffer doubles(INDArray x) {
    return (DoubleBuffer) CACHE.get().view(x.data(), true);
  }

  /** The buffer of x (float32) as a cleared view. */
  static FloatBuffer floats(INDArray x) {
    return (FloatBuffer) CACHE.get().view(x.data(), false);
  }

  private java.nio.Buffer view(DataBuffer data, boolean wide) {
    for (int i = 0; i < SLOTS; i++) {
      WeakReference<DataBuffer> k = keys[i];
      if (k != null && k.get() == data && (views[i] instanceof DoubleBuffer) == wide) {
        return views[i].clear();
      }
    }
    java.nio.Buffer v = wide ? data.asNioDouble() : data.asNioFloat();
    keys[next] = new WeakReference<>(data);
    views[next] = v;
    next = (next + 1) % SLOTS;
    return v.clear();
  }
}

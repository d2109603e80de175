package dev.unlearn.core.internal;

import java.lang.ref.WeakReference;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * NIO views of ND4J data buffers for the hot loops and the direct BLAS calls, cached per thread so
 * that a loop that sees the same buffers again gets its views without allocating ({@code
 * DataBuffer.asNioDouble()} makes two new objects each call). The cache is two-way set associative
 * on the buffer's identity hash, {@value #SLOTS} entries, weakly held; a miss allocates one view
 * and one weak reference. A view is returned cleared (position 0, limit its capacity); element i of
 * the buffer is index i. It must not be kept past the caller's call, nor used by another thread.
 * Two operands of one call that may share a buffer (views of one allocation) must ask with
 * different {@code operand} numbers, so that each gets its own view and position.
 */
public final class NioViews {
  private static final int SLOTS = 128;
  private static final ThreadLocal<NioViews> CACHE = ThreadLocal.withInitial(NioViews::new);

  @SuppressWarnings("unchecked")
  private final WeakReference<DataBuffer>[] keys = new WeakReference[SLOTS];
  private final java.nio.Buffer[] views = new java.nio.Buffer[SLOTS];
  private final int[] operands = new int[SLOTS];
  private final boolean[] older = new boolean[SLOTS / 2]; // per set: whether way 0 is the older

  private NioViews() {}

  /** The storage of x (float64) as a cleared view, for operand 0..3 of a call. */
  public static DoubleBuffer doubles(INDArray x, int operand) {
    return (DoubleBuffer) CACHE.get().view(x.data(), true, operand);
  }

  /** The storage of x (float32) as a cleared view, for operand 0..3 of a call. */
  public static FloatBuffer floats(INDArray x, int operand) {
    return (FloatBuffer) CACHE.get().view(x.data(), false, operand);
  }

  /** x's storage (float64) as a view positioned at x's offset: what a BLAS call takes for x. */
  public static DoubleBuffer doublesAt(INDArray x, int operand) {
    DoubleBuffer b = doubles(x, operand);
    b.position((int) x.offset());
    return b;
  }

  /** x's storage (float32) as a view positioned at x's offset. */
  public static FloatBuffer floatsAt(INDArray x, int operand) {
    FloatBuffer b = floats(x, operand);
    b.position((int) x.offset());
    return b;
  }

  /** Whether x's whole storage fits one NIO view (less than 2 GiB). */
  public static boolean fits(INDArray x) {
    return x.data().length() * x.data().getElementSize() <= Integer.MAX_VALUE;
  }

  /**
   * Whether BLAS can be called directly on these views: OpenBLAS's JavaCPP preset on the class path
   * (nd4j-native brings it) and ND4J on its CPU backend, whose buffers are host memory.
   */
  public static boolean directBlas() {
    return DirectBlas.AVAILABLE;
  }

  private static final class DirectBlas {
    static final boolean AVAILABLE = probe();

    private static boolean probe() {
      try {
        Class.forName("org.bytedeco.openblas.global.openblas");
        return org.nd4j.linalg.factory.Nd4j.getEnvironment().isCPU();
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
  }

  private java.nio.Buffer view(DataBuffer data, boolean wide, int operand) {
    int set = ((System.identityHashCode(data) + operand) * 0x9E3779B9 >>> 26) & (SLOTS / 2 - 1);
    for (int way = 0; way < 2; way++) {
      int i = 2 * set + way;
      WeakReference<DataBuffer> k = keys[i];
      if (k != null && k.get() == data && operands[i] == operand
          && (views[i] instanceof DoubleBuffer) == wide) {
        older[set] = way == 1; // the other way is now the older
        return views[i].clear();
      }
    }
    int i = 2 * set + (older[set] ? 0 : 1);
    older[set] = !older[set];
    java.nio.Buffer v = wide ? data.asNioDouble() : data.asNioFloat();
    keys[i] = new WeakReference<>(data);
    views[i] = v;
    operands[i] = operand;
    return v.clear();
  }
}

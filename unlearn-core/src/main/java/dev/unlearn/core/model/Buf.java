package dev.unlearn.core.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A row-major matrix in ND4J together with a NIO view of its storage (index 0 = its first
 * element), so that plain Java loops ({@link Kernels64}, {@link Kernels32}) and {@code Nd4j.gemm}
 * work on the same memory. Several Bufs can share one allocation ({@link Arena}): each off-heap
 * allocation costs tens of microseconds, a view a few.
 */
final class Buf {
  final INDArray arr;
  final DoubleBuffer d; // null unless float64
  final FloatBuffer f; // null unless float32
  final int length;

  private Buf(INDArray arr, DataBuffer storage, long offset) {
    this.arr = arr;
    this.length = (int) arr.length();
    if (arr.dataType() == DataType.DOUBLE) {
      DoubleBuffer all = storage.asNioDouble();
      all.position((int) offset);
      this.d = all.slice();
      this.f = null;
    } else {
      FloatBuffer all = storage.asNioFloat();
      all.position((int) offset);
      this.d = null;
      this.f = all.slice();
    }
  }

  /** A new uninitialised matrix (its own allocation). */
  static Buf create(DataType type, long rows, long cols) {
    INDArray a = Nd4j.createUninitialized(type, new long[] {rows, cols}, 'c');
    return new Buf(a, a.data(), 0);
  }

  /** A row-major copy of x (any shape) as a rows x cols matrix. */
  static Buf copyOf(INDArray x, long rows, long cols) {
    Buf b = create(x.dataType(), rows, cols);
    b.arr.assign(x.reshape('c', new long[] {rows, cols}));
    return b;
  }

  /** A rows x cols view of elements [offset, offset + rows*cols) of this buffer. */
  Buf view(long offset, long rows, long cols) {
    return at(arr.data(), arr.offset() + offset, rows, cols);
  }

  static Buf at(DataBuffer storage, long offset, long rows, long cols) {
    INDArray a = Nd4j.create(storage, new long[] {rows, cols}, new long[] {cols, 1}, offset, 'c');
    return new Buf(a, storage, offset);
  }

  /** One allocation carved into consecutive matrices. */
  static final class Arena {
    private final DataBuffer storage;
    private long next;

    Arena(DataType type, long length) {
      this.storage = Nd4j.createBuffer(type, Math.max(1, length), false);
    }

    Buf take(long rows, long cols) {
      Buf b = at(storage, next, rows, cols);
      next += rows * cols;
      if (next > storage.length()) {
        throw new IllegalStateException("arena overflow: " + next + " > " + storage.length());
      }
      return b;
    }
  }
}

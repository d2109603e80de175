package dev.unlearn.core.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An owned, row-major, offset-0 ND4J array together with a NIO view of its storage, so that plain
 * Java loops ({@link Kernels64}, {@link Kernels32}) and {@code Nd4j.gemm} work on the same memory.
 */
final class Buf {
  final INDArray arr;
  final DoubleBuffer d; // null unless float64
  final FloatBuffer f; // null unless float32
  final int length;

  private Buf(INDArray arr) {
    this.arr = arr;
    this.length = (int) arr.length();
    if (arr.dataType() == DataType.DOUBLE) {
      this.d = arr.data().asNioDouble();
      this.f = null;
    } else {
      this.d = null;
      this.f = arr.data().asNioFloat();
    }
  }

  /** A new uninitialised buffer of the given shape. */
  static Buf create(DataType type, long... shape) {
    return new Buf(Nd4j.createUninitialized(type, shape, 'c'));
  }

  /** Wraps x if it is row-major, contiguous and at offset 0, else wraps a row-major copy. */
  static Buf wrap(INDArray x) {
    return new Buf(isPlain(x) ? x : x.dup('c'));
  }

  static boolean isPlain(INDArray x) {
    return !x.isView() && x.offset() == 0 && (x.rank() <= 1 || x.ordering() == 'c');
  }

  /** A 2-D view (rows x cols) of this buffer's elements [offset, offset + rows*cols). */
  INDArray view(long offset, long rows, long cols) {
    INDArray flat = arr.reshape('c', new long[] {arr.length()});
    return flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + rows * cols))
        .reshape('c', new long[] {rows, cols});
  }
}

package dev.unlearn.core.model;

import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The serialised form of {@link LogisticRegression} and {@link Mlp} (a serialisation proxy): the
 * layer sizes, activation, &lambda; and data type, rebuilt through the public factories on reading,
 * so that a model can travel to Spark executors without its off-heap buffers.
 */
record ModelProxy(int[] sizes, Activation activation, double l2, DataType type)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  private Object readResolve() {
    if (activation == null) {
      return LogisticRegression.of(sizes[0], sizes[1]).withL2(l2).withDataType(type);
    }
    return Mlp.of(activation, sizes).withL2(l2).withDataType(type);
  }
}

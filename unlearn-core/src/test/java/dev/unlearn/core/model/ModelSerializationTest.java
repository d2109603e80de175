package dev.unlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.core.data.SyntheticData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Java serialisation (how models travel to Spark executors) rebuilds an equal model. */
class ModelSerializationTest {
  static Object roundTrip(Object o) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
    }
  }

  @Test
  void logisticRegressionAndMlpComeBackWithTheirSizesActivationL2AndType() throws Exception {
    Dataset data = SyntheticData.generate(40, 5, 3, 2, 10).train();
    Model[] models = {LogisticRegression.of(5, 3).withL2(0.25),
        Mlp.of(Activation.GELU, 5, 7, 4, 3).withL2(1e-3).withDataType(DataType.FLOAT)};
    for (Model m : models) {
      Model back = (Model) roundTrip(m);
      assertThat(back).isInstanceOf(m.getClass());
      assertThat(back.name()).isEqualTo(m.name());
      assertThat(back.l2()).isEqualTo(m.l2());
      assertThat(back.dataType()).isEqualTo(m.dataType());
      assertThat(back.numParameters()).isEqualTo(m.numParameters());
      INDArray theta = m.initialParameters(3);
      // the same code on the same inputs: bit-for-bit equal gradients
      assertThat(back.gradient(theta, data).toDoubleVector())
          .containsExactly(m.gradient(theta, data).toDoubleVector());
    }
  }

  @Test
  void theProxyIsTheOnlyWayIn() {
    assertThatThrownBy(() -> {
      java.lang.reflect.Method read = LogisticRegression.class.getDeclaredMethod("readObject",
          ObjectInputStream.class);
      read.setAccessible(true);
      try {
        read.invoke(LogisticRegression.of(2, 2), (Object) null);
      } catch (java.lang.reflect.InvocationTargetException e) {
        throw e.getCause();
      }
    }).isInstanceOf(InvalidObjectException.class).hasMessageContaining("serialisation proxy");
  }
}

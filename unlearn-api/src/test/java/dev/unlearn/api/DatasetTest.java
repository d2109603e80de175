package dev.unlearn.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DatasetTest {
  static INDArray x(int n, int d) {
    double[] v = new double[n * d];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    return Nd4j.create(v, new long[] {n, d}, DataType.DOUBLE);
  }

  @Test
  void copiesItsInputAndSelectsRowsInOrder() {
    INDArray features = x(5, 2);
    int[] labels = {0, 1, 2, 1, 0};
    Dataset d = Dataset.of(features, labels, 3, new int[] {7, 7, 8, 9, 9});
    features.putScalar(0, 0, 99);
    labels[0] = 2;
    assertThat(d.features().getDouble(0, 0)).isEqualTo(0.0);
    assertThat(d.label(0)).isZero();
    Dataset r = d.rows(new int[] {4, 1, 1});
    assertThat(r.labels()).containsExactly(0, 1, 1);
    assertThat(r.features().toDoubleMatrix()).isDeepEqualTo(new double[][] {{8, 9}, {2, 3}, {2, 3}});
    assertThat(r.groups().orElseThrow()).containsExactly(9, 7, 7);
    Dataset w = d.without(new int[] {0, 3});
    assertThat(w.labels()).containsExactly(1, 2, 0);
    assertThat(w.features().toDoubleMatrix()).isDeepEqualTo(new double[][] {{2, 3}, {4, 5}, {8, 9}});
    assertThat(d.rows(new int[] {1, 2, 3}).features().toDoubleMatrix())
        .isDeepEqualTo(new double[][] {{2, 3}, {4, 5}, {6, 7}});
    assertThat(d.classCounts()).containsExactly(2, 2, 1);
    java.nio.IntBuffer view = d.labelView();
    assertThat(view.isReadOnly()).isTrue();
    assertThat(view.remaining()).isEqualTo(5);
    for (int i = 0; i < 5; i++) {
      assertThat(view.get(i)).isEqualTo(d.label(i));
    }
    assertThatThrownBy(() -> view.put(0, 2)).isInstanceOf(java.nio.ReadOnlyBufferException.class);
  }

  @Test
  void oneHotLabelsAndCastsAreCorrectAndCached() {
    Dataset d = Dataset.of(x(3, 2), new int[] {2, 0, 1}, 3);
    INDArray y = d.oneHotLabels(DataType.FLOAT);
    assertThat(y.dataType()).isEqualTo(DataType.FLOAT);
    assertThat(y.toDoubleMatrix()).isDeepEqualTo(new double[][] {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}});
    assertThat(d.oneHotLabels(DataType.FLOAT)).isSameAs(y);
    assertThat(d.features(DataType.FLOAT).toDoubleMatrix()).isDeepEqualTo(d.features().toDoubleMatrix());
  }

  @Test
  void badInputFailsNamingTheValue() {
    assertThatThrownBy(() -> Dataset.of(x(3, 2), new int[] {0, 1}, 2))
        .isInstanceOf(InvalidInputException.class).hasMessage("labels (2) must have one entry per feature row (3)");
    assertThatThrownBy(() -> Dataset.of(x(2, 2), new int[] {0, 3}, 3))
        .hasMessage("label 3 of row 1 must be in [0, 3)");
    INDArray inf = x(2, 2);
    inf.putScalar(1, 0, Double.POSITIVE_INFINITY);
    assertThatThrownBy(() -> Dataset.of(inf, new int[] {0, 1}, 2))
        .hasMessage("feature 0 of row 1 (Infinity) must be finite");
    INDArray nan = x(2, 2);
    nan.putScalar(0, 1, Double.NaN);
    assertThatThrownBy(() -> Dataset.of(nan, new int[] {0, 1}, 2))
        .hasMessage("feature 1 of row 0 (NaN) must be finite");
    // finite values whose sum overflows are accepted (the fast check falls back to the scan)
    INDArray huge = x(2, 2).assign(Double.MAX_VALUE);
    assertThat(Dataset.of(huge, new int[] {0, 1}, 2).features().getDouble(1, 1))
        .isEqualTo(Double.MAX_VALUE);
    Dataset d = Dataset.of(x(3, 2), new int[] {0, 1, 0}, 2);
    assertThatThrownBy(() -> d.rows(new int[] {3})).hasMessage("row index 3 must be in [0, 3)");
    assertThatThrownBy(() -> d.without(new int[] {1, 1})).hasMessage("row index 1 is listed twice");
    assertThatThrownBy(() -> d.group(0)).hasMessage("this data set has no group ids");
  }

  @Test
  void requestsResolveGroupsToRowsAndCheckEverything() {
    Dataset d = Dataset.of(x(6, 2), new int[] {0, 1, 0, 1, 0, 1}, 2, new int[] {1, 2, 1, 3, 3, 4});
    Model m = new StubModel(2, 2);
    INDArray theta = Nd4j.zeros(DataType.DOUBLE, m.numParameters());
    UnlearningRequest r = UnlearningRequest.builder(m, theta, d).forgetGroups(3, 1).build();
    assertThat(r.forgetRows()).containsExactly(0, 2, 3, 4);
    assertThat(r.retainRows()).containsExactly(1, 5);
    assertThat(r.retainSet().labels()).containsExactly(1, 1);
    assertThatThrownBy(() -> UnlearningRequest.builder(m, theta, d).forgetGroups(5).build())
        .hasMessage("forget groups [5] have no rows");
    assertThatThrownBy(() -> UnlearningRequest.builder(m, theta, d).forgetGroups(1, 1).build())
        .hasMessage("forget group 1 is listed twice");
    assertThatThrownBy(() -> UnlearningRequest.builder(m, theta, d).build())
        .hasMessage("forget rows must be given");
    UnlearningRequest copy = r.toBuilder().seed(9).build();
    assertThat(copy.forgetRows()).containsExactly(r.forgetRows());
    assertThat(copy.seed()).isEqualTo(9);
  }

  /** A model with only the shape methods the request checks. */
  record StubModel(int numInputs, int numClasses) implements Model {
    @Override public String name() { return "stub"; }
    @Override public int numParameters() { return numInputs * numClasses + numClasses; }
    @Override public DataType dataType() { return DataType.DOUBLE; }
    @Override public double l2() { return 0; }
    @Override public Model withDataType(DataType type) { return this; }
    @Override public Model withL2(double l2) { return this; }
    @Override public INDArray initialParameters(long seed) { return Nd4j.zeros(numParameters()); }
    @Override public ModelPoint at(INDArray theta, Dataset data) { throw new UnsupportedOperationException(); }
    @Override public INDArray logits(INDArray theta, INDArray f) { throw new UnsupportedOperationException(); }
  }
}

package dev.unlearn.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Model convenience methods of the built-in networks reuse one point per thread and data set
 * (allocation-free in steady state). Whatever happens between calls (a non-finite &theta; refused,
 * other points taking every pooled buffer, another thread at another &theta;), each call answers
 * exactly what a new point at its &theta; answers; the new point's own answers are checked against
 * finite differences by the derivative contracts.
 */
class ReusedPointTest {
  private static final int[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 1};

  private static Dataset data(long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    double[][] x = new double[LABELS.length][4];
    for (double[] row : x) {
      for (int j = 0; j < row.length; j++) {
        row[j] = r.nextDouble(-1, 1);
      }
    }
    return Dataset.of(Nd4j.createFromArray(x), LABELS, 3);
  }

  private static INDArray gradient(Model m, INDArray theta, Dataset d) {
    return m.gradient(theta, d, Nd4j.create(m.dataType(), m.numParameters()));
  }

  /** Bit for bit (INDArray.equals allows a tolerance). */
  private static void same(INDArray actual, INDArray expected, String what) {
    assertThat(actual.ravel().toDoubleVector()).as(what)
        .containsExactly(expected.ravel().toDoubleVector());
  }

  @Test
  void aRefusedThetaNamesItsEntryAndTheNextCallIsRight() {
    for (Model m : new Model[] {Mlp.of(Activation.TANH, 4, 5, 3).withL2(1e-2),
        Mlp.of(Activation.TANH, 4, 5, 3).withL2(1e-2).withDataType(DataType.FLOAT),
        LogisticRegression.of(4, 3).withDataType(DataType.FLOAT)}) {
      Dataset d = data(1);
      INDArray theta = m.initialParameters(1);
      gradient(m, theta, d);
      INDArray bad = theta.dup();
      bad.putScalar(7, Double.NaN);
      assertThatThrownBy(() -> gradient(m, bad, d)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("theta[7] (NaN) must be finite");
      INDArray wrongType = theta.castTo(m.dataType() == DataType.DOUBLE ? DataType.FLOAT
          : DataType.DOUBLE);
      assertThatThrownBy(() -> gradient(m, wrongType, d)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("theta data type");
      INDArray other = m.initialParameters(2);
      same(gradient(m, other, d), m.at(other, d).gradient(), m.name());
      INDArray v = m.initialParameters(9);
      same(m.hessianVectorProduct(other, d, v, Nd4j.create(m.dataType(), m.numParameters())),
          m.at(other, d).hessianVectorProduct(v), m.name() + " HVP");
    }
  }

  @Test
  void pointsThatTakeEveryPooledBufferInBetweenChangeNothing() {
    Model m = Mlp.of(Activation.TANH, 4, 5, 3).withL2(1e-2);
    Dataset d = data(2);
    INDArray theta = m.initialParameters(3);
    INDArray expected = m.at(theta, d).gradient();
    for (int round = 0; round < 3; round++) {
      same(gradient(m, theta, d), expected, "before");
      List<ModelPoint> others = new ArrayList<>();
      for (int i = 0; i < BufferPool.TOTAL + 2; i++) { // more points than the pool holds
        ModelPoint at = m.at(m.initialParameters(10 + i), d);
        at.gradient();
        others.add(at);
      }
      same(gradient(m, theta, d), expected, "after");
      same(others.get(0).gradient(), m.at(m.initialParameters(10), d).gradient(), "other");
    }
  }

  @Test
  void threadsAtDifferentThetasGetTheirOwnAnswers() throws Exception {
    Model m = Mlp.of(Activation.TANH, 4, 5, 3).withL2(1e-2);
    Dataset d = data(3);
    int threads = 4;
    INDArray[] thetas = new INDArray[threads];
    INDArray[] expected = new INDArray[threads];
    for (int t = 0; t < threads; t++) {
      thetas[t] = m.initialParameters(20 + t);
      expected[t] = m.at(thetas[t], d).gradient();
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> wrong = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int me = t;
        wrong.add(pool.submit(() -> {
          int bad = 0;
          INDArray out = Nd4j.create(DataType.DOUBLE, m.numParameters());
          for (int i = 0; i < 200; i++) {
            int which = (me + i) % threads; // every thread visits every theta
            bad += java.util.Arrays.equals(m.gradient(thetas[which], d, out).toDoubleVector(),
                expected[which].toDoubleVector()) ? 0 : 1;
          }
          return bad;
        }));
      }
      for (Future<Integer> f : wrong) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void alternatingDataBlocksViewsAndOtherTypesAllAnswerAsANewPoint() {
    Model m = Mlp.of(Activation.TANH, 4, 5, 3).withL2(1e-2).withDataType(DataType.FLOAT);
    Dataset d1 = data(4);
    Dataset d2 = data(5);
    int p = m.numParameters();
    for (int round = 0; round < 3; round++) {
      INDArray theta = m.initialParameters(30 + round);
      for (Dataset d : new Dataset[] {d1, d2}) { // two data sets alternating on one thread
        same(gradient(m, theta, d), m.at(theta, d).gradient(), "round " + round);
      }
      // a block of directions at two thetas on the same data: the block workspace across a reload
      INDArray block = Nd4j.create(DataType.FLOAT, p, 3);
      for (int j = 0; j < 3; j++) {
        block.putColumn(j, m.initialParameters(40 + j));
      }
      for (INDArray at : new INDArray[] {theta, m.initialParameters(60 + round)}) {
        same(m.hessianVectorProduct(at, d1, block, Nd4j.create(DataType.FLOAT, p, 3)),
            m.at(at, d1).hessianVectorProduct(block), "block HVP");
      }
    }
    INDArray theta = m.initialParameters(50);
    INDArray expected = m.at(theta, d1).gradient();
    // out as a strided view and in another data type
    INDArray wide = Nd4j.create(DataType.FLOAT, 2L * p);
    INDArray view = wide.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2, 2L * p));
    m.gradient(theta, d1, view);
    same(view, expected, "strided out");
    INDArray asDouble = Nd4j.create(DataType.DOUBLE, p);
    m.gradient(theta, d1, asDouble);
    same(asDouble, expected.castTo(DataType.DOUBLE), "float64 out");
    // the HVP into its own direction
    INDArray v = m.initialParameters(51);
    INDArray hv = m.at(theta, d1).hessianVectorProduct(v);
    INDArray inPlace = v.dup();
    assertThat(m.hessianVectorProduct(theta, d1, inPlace, inPlace)).isSameAs(inPlace);
    same(inPlace, hv, "HVP with out == v");
  }

  @Test
  void aDiscardedModelIsNotKeptByTheThreadsThatUsedIt() throws InterruptedException {
    java.lang.ref.WeakReference<Model> ref = useAndDrop();
    for (int i = 0; i < 50 && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(ref.get()).as("the model after 50 collections").isNull();
  }

  private static java.lang.ref.WeakReference<Model> useAndDrop() {
    Model m = Mlp.of(Activation.TANH, 4, 5, 3);
    gradient(m, m.initialParameters(1), data(6));
    return new java.lang.ref.WeakReference<>(m);
  }
}

package dev.unlearn.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.testkit.Tolerance;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class StandardizerTest {
  private static final Tolerance TOL = Tolerance.forType(DataType.DOUBLE);

  private static Dataset data(double[][] x, int[] labels, int[] groups) {
    Dataset d = Dataset.of(Nd4j.create(x), labels, 3);
    return groups == null ? d : d.withGroups(groups);
  }

  @Test
  void fitsPopulationStatisticsAndMapsConstantColumnsToZero() {
    Dataset train = data(new double[][] {{1, 2, 5}, {3, 2, 7}, {5, 2, 0}}, new int[] {0, 1, 2},
        new int[] {7, 8, 7});
    Standardizer z = Standardizer.fit(train);
    // By hand: means (3, 2, 4); population variances 8/3, 0 (-> std 1), (1 + 9 + 16)/3.
    TOL.assertClose(z.means(), new double[] {3, 2, 4});
    TOL.assertClose(z.stds(), new double[] {Math.sqrt(8.0 / 3), 1, Math.sqrt(26.0 / 3)});
    Dataset t = z.transform(train);
    double s0 = Math.sqrt(8.0 / 3);
    double s2 = Math.sqrt(26.0 / 3);
    TOL.assertClose(t.features(), Nd4j.create(new double[][] {
        {-2 / s0, 0, 1 / s2}, {0, 0, 3 / s2}, {2 / s0, 0, -4 / s2}}));
    assertThat(t.labels()).containsExactly(0, 1, 2);
    assertThat(t.groups()).hasValueSatisfying(g -> assertThat(g).containsExactly(7, 8, 7));
    assertThat(t.numClasses()).isEqualTo(3);
    // Another data set is transformed with the fitted statistics, not its own.
    Dataset other = data(new double[][] {{3, 9, 4}, {4, 2, 4 + s2}}, new int[] {2, 2}, null);
    Dataset o = z.transform(other);
    TOL.assertClose(o.features(), Nd4j.create(new double[][] {{0, 7, 0}, {1 / s0, 0, 1}}));
    assertThat(o.hasGroups()).isFalse();
  }

  @Test
  void aConstantColumnBecomesExactlyZeroEvenWhenItsMeanRounds() {
    double[][] x = new double[10][2];
    for (int i = 0; i < 10; i++) {
      x[i][0] = 0.1; // ten copies of 0.1 sum to 0.9999999999999999
      x[i][1] = i;
    }
    Dataset d = data(x, new int[10], null);
    Standardizer z = Standardizer.fit(d);
    assertThat(z.means()[0]).isEqualTo(0.1);
    assertThat(z.stds()[0]).isEqualTo(1.0);
    double[] t = z.transform(d).features().dup('c').data().asDouble();
    for (int i = 0; i < 10; i++) {
      assertThat(t[2 * i]).isZero();
    }
  }

  @Test
  void transformedRandomColumnsHaveMeanZeroAndStdOneAndTheInputIsUntouched() {
    long seed = 11;
    System.out.println("standardizer seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int n = 300;
    int d = 7;
    double[][] x = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i][j] = 5 * j - 3 + (j + 1) * r.nextDouble();
      }
    }
    Dataset data = data(x, DataFixtures.randomLabels(n, 3, seed), null);
    double[] before = data.features().dup('c').data().asDouble();
    double[] out = Standardizer.fit(data).transform(data).features().dup('c').data().asDouble();
    assertThat(data.features().dup('c').data().asDouble()).containsExactly(before);
    Tolerance tol = Tolerance.of(1e-12, 1e-10);
    for (int j = 0; j < d; j++) {
      double m = 0;
      for (int i = 0; i < n; i++) {
        m += out[i * d + j];
      }
      m /= n;
      double v = 0;
      for (int i = 0; i < n; i++) {
        v += (out[i * d + j] - m) * (out[i * d + j] - m);
      }
      tol.assertClose(m, 0.0);
      tol.assertClose(Math.sqrt(v / n), 1.0);
    }
  }

  @Test
  void worksOnRowViewsAndRejectsAWrongDimension() {
    Dataset d = data(new double[][] {{1, 10}, {2, 20}, {3, 30}, {4, 40}}, new int[4], null);
    Dataset view = d.rows(new int[] {1, 2}); // contiguous: shares storage
    Standardizer z = Standardizer.fit(view);
    TOL.assertClose(z.means(), new double[] {2.5, 25});
    TOL.assertClose(z.stds(), new double[] {0.5, 5});
    Dataset wide = data(new double[][] {{1, 2, 3}}, new int[1], null);
    assertThatThrownBy(() -> z.transform(wide)).isInstanceOf(InvalidInputException.class)
        .hasMessage("features (3) must equal the fitted dimension (2)");
  }
}

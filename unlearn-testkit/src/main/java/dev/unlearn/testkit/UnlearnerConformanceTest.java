package dev.unlearn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.registry.Unlearners;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The conformance kit: every unlearner's test extends this class (in the manner of Lucene's
 * {@code Base*FormatTestCase}); plugin authors get it from {@code unlearn-core}'s test-jar.
 *
 * <pre>{@code
 * class MyUnlearnerTest extends UnlearnerConformanceTest {
 *   protected Unlearner unlearner() { return new MyUnlearner(); }
 * }
 * }</pre>
 *
 * It checks: the unlearner is registered under its name and describes itself; the result has the
 * right length and type and is finite; the request's parameters and data are not mutated; the same
 * seed gives bitwise the same result; unknown and out-of-range hyperparameters and bad requests
 * (empty, whole, out-of-range or duplicated forget rows, NaN features, labels out of range,
 * parameters of the wrong length, type or with NaN) fail with {@link InvalidInputException}
 * naming the value.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class UnlearnerConformanceTest {
  protected Fixture fixture;

  /** The unlearner under test. */
  protected abstract Unlearner unlearner();

  /** The problem the kit runs on; override for unlearners that need another model. */
  protected Fixture createFixture() {
    return Fixture.logistic();
  }

  /** Hyperparameters that keep the kit fast (for example fewer epochs). */
  protected Map<String, Object> fastHyperparameters() {
    return Map.of();
  }

  /** Whether the unlearner must be in the default registry (true for every shipped one). */
  protected boolean expectRegistered() {
    return true;
  }

  @BeforeAll
  void buildFixture() {
    fixture = createFixture();
  }

  protected UnlearningRequest.Builder request() {
    return UnlearningRequest.builder(fixture.model(), fixture.theta(), fixture.train())
        .forgetRows(fixture.forget()).recipe(fixture.recipe()).seed(17)
        .hyperparameters(fastHyperparameters());
  }

  protected UnlearningResult run(UnlearningRequest r) {
    return unlearner().unlearn(r);
  }

  @Test
  void describesItselfAndIsRegistered() {
    Unlearner u = unlearner();
    assertThat(u.name()).matches("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    assertThat(u.description()).isNotBlank();
    for (Hyperparameter<?> h : u.hyperparameters()) {
      assertThat(h.help()).as(h.name()).isNotBlank();
      assertThat(h.validate(h.defaultValue())).as(h.name()).isEqualTo(h.defaultValue());
    }
    assertThat(u.hyperparameters()).extracting(Hyperparameter::name).doesNotHaveDuplicates();
    if (expectRegistered()) {
      assertThat(Unlearners.forName(u.name())).isInstanceOf(u.getClass());
    }
    assertThat(u.supports(fixture.model())).isTrue();
  }

  @Test
  void resultHasTheRightShapeAndIsFinite() {
    UnlearningResult r = run(request().build());
    INDArray theta = r.parameters();
    assertThat(theta.rank()).isEqualTo(1);
    assertThat(theta.length()).isEqualTo(fixture.model().numParameters());
    assertThat(theta.dataType()).isEqualTo(fixture.model().dataType());
    assertThat(java.util.Arrays.stream(theta.toDoubleVector()).allMatch(Double::isFinite)).as("finite").isTrue();
    assertThat(theta).as("the result must be a new array").isNotSameAs(fixture.theta());
    assertThat(r.cost().wallNanos()).isPositive();
    assertThat(r.cost().gradientEvaluations()).isGreaterThanOrEqualTo(0);
    r.diagnostics().forEach((k, v) -> assertThat(v).as(k).isNotNull());
  }

  @Test
  void doesNotMutateItsInputs() {
    double[] theta = fixture.theta().toDoubleVector();
    double[] features = fixture.train().features().dup().data().asDouble();
    int[] labels = fixture.train().labels();
    UnlearningRequest r = request().build();
    run(r);
    assertThat(fixture.theta().toDoubleVector()).as("theta").containsExactly(theta);
    assertThat(fixture.train().features().dup().data().asDouble()).as("features")
        .containsExactly(features);
    assertThat(fixture.train().labels()).as("labels").containsExactly(labels);
    assertThat(r.forgetRows()).containsExactly(fixture.forget());
  }

  @Test
  void sameSeedGivesTheSameResult() {
    INDArray a = run(request().seed(5).build()).parameters();
    INDArray b = run(request().seed(5).build()).parameters();
    assertThat(a.toDoubleVector()).containsExactly(b.toDoubleVector());
  }

  @Test
  void rejectsUnknownHyperparametersListingTheValidOnes() {
    UnlearningRequest r = request().hyperparameter("no-such-knob", 1).build();
    assertThatThrownBy(() -> run(r)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no-such-knob")
        .satisfies(e -> unlearner().hyperparameters()
            .forEach(h -> assertThat(e.getMessage()).contains(h.name())));
  }

  @Test
  void rejectsOutOfRangeHyperparametersNamingThem() {
    for (Hyperparameter<?> h : unlearner().hyperparameters()) {
      for (Object bad : badValues(h)) {
        UnlearningRequest r = request().hyperparameter(h.name(), bad).build();
        assertThatThrownBy(() -> run(r)).as("%s = %s", h.name(), bad)
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining(h.name()).hasMessageContaining(String.valueOf(bad));
      }
    }
  }

  private static Object[] badValues(Hyperparameter<?> h) {
    if (h.type() == String.class) {
      return new Object[] {"no-such-choice"};
    }
    if (h.type() == Boolean.class) {
      return new Object[] {"maybe"};
    }
    java.util.List<Object> bad = new java.util.ArrayList<>(java.util.List.of(Double.NaN,
        "not-a-number"));
    double step = h.type() == Integer.class ? 1 : 0.5 * Math.max(1e-3, Math.abs(h.lowerBound()));
    if (Double.isFinite(h.lowerBound())) {
      bad.add(h.lowerInclusive() ? h.lowerBound() - step : h.lowerBound());
    }
    if (Double.isFinite(h.upperBound())) {
      bad.add(h.upperInclusive() ? h.upperBound() + Math.max(1, step) : h.upperBound());
    }
    return bad.stream().map(v -> h.type() == Integer.class && v instanceof Double d
        && !d.isNaN() ? (Object) (int) (double) d : v).toArray();
  }

  @Test
  void rejectsBadForgetSets() {
    int n = fixture.train().size();
    assertThatThrownBy(() -> request().forgetRows().build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("empty");
    int[] all = new int[n];
    Arrays.setAll(all, i -> i);
    assertThatThrownBy(() -> request().forgetRows(all).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("whole training set");
    assertThatThrownBy(() -> request().forgetRows(0, n).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining(String.valueOf(n));
    assertThatThrownBy(() -> request().forgetRows(-3).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("-3");
    assertThatThrownBy(() -> request().forgetRows(4, 2, 4).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("4")
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> request().forgetGroups(1).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("group");
  }

  @Test
  void rejectsBadParameters() {
    int p = fixture.model().numParameters();
    INDArray shortTheta = Nd4j.zeros(fixture.model().dataType(), p - 1);
    assertThatThrownBy(() -> UnlearningRequest.builder(fixture.model(), shortTheta,
        fixture.train()).forgetRows(fixture.forget()).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining(String.valueOf(p));
    INDArray nan = fixture.theta().dup();
    nan.putScalar(3, Double.NaN);
    assertThatThrownBy(() -> UnlearningRequest.builder(fixture.model(), nan, fixture.train())
        .forgetRows(fixture.forget()).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("parameter 3")
        .hasMessageContaining("NaN");
    DataType other = fixture.model().dataType() == DataType.DOUBLE ? DataType.FLOAT : DataType.DOUBLE;
    assertThatThrownBy(() -> UnlearningRequest.builder(fixture.model(),
        fixture.theta().castTo(other), fixture.train()).forgetRows(fixture.forget()).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining(other.toString());
  }

  @Test
  void rejectsBadData() {
    Dataset train = fixture.train();
    INDArray x = train.features().dup();
    x.putScalar(new long[] {7, 2}, Double.NaN);
    assertThatThrownBy(() -> Dataset.of(x, train.labels(), train.numClasses()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("row 7")
        .hasMessageContaining("NaN");
    int[] y = train.labels();
    y[9] = train.numClasses();
    assertThatThrownBy(() -> Dataset.of(train.features(), y, train.numClasses()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("row 9")
        .hasMessageContaining(String.valueOf(train.numClasses()));
    Dataset narrow = Dataset.of(train.features().getColumns(0, 1), train.labels(),
        train.numClasses());
    assertThatThrownBy(() -> UnlearningRequest.builder(fixture.model(), fixture.theta(), narrow)
        .forgetRows(fixture.forget()).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("width (2)");
  }
}

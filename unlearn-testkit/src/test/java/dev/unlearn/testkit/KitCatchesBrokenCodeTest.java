package dev.unlearn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.HyperparameterValues;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.core.unlearner.AbstractUnlearner;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The kit's own oracle: run through the JUnit engine, it passes on correct code (a built-in
 * unlearner, an exact model) and fails on code that breaks the contract (an unlearner that mutates
 * its input, one that ignores its seed; a model whose gradient is off by 1 %). A kit that cannot
 * fail checks nothing.
 */
class KitCatchesBrokenCodeTest {
  static Events run(Class<?> testClass) {
    Events stats = EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass))
        .execute().testEvents();
    System.out.printf("%s: %d started, %d succeeded, %d failed%n", testClass.getSimpleName(),
        stats.started().count(), stats.succeeded().count(), stats.failed().count());
    return stats;
  }

  @Test
  void conformanceKitPassesABuiltInUnlearner() {
    Events s = run(RetrainConformance.class);
    assertThat(s.started().count()).isEqualTo(9);
    assertThat(s.failed().count()).isZero();
  }

  @Test
  void conformanceKitFailsAnUnlearnerThatMutatesItsInput() {
    Events s = run(MutatingConformance.class);
    assertThat(s.started().count()).isEqualTo(9);
    assertThat(s.failed().count()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void conformanceKitFailsAnUnlearnerThatIgnoresItsSeed() {
    Events s = run(UnseededConformance.class);
    assertThat(s.failed().count()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void theKitRegistersNoUnlearnerOfItsOwn() {
    assertThat(Unlearners.registry().names()).containsExactlyInAnyOrder("retrain", "finetune",
        "gradient-ascent", "neggrad-plus", "random-label", "erase-repair", "scrub");
  }

  @Test
  void derivativesContractPassesAnExactModel() {
    Events s = run(LogisticContract.class);
    assertThat(s.started().count()).isEqualTo(11);
    assertThat(s.failed().count()).isZero();
  }

  @Test
  void derivativesContractFailsAGradientThatIsOffByOnePercent() {
    Events s = run(SkewedGradientContract.class);
    assertThat(s.failed().count()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void derivativesContractFailsAnOutFormThatAnswersForAnEarlierTheta() {
    Events s = run(StaleOutFormContract.class);
    assertThat(s.started().count()).isEqualTo(11);
    assertThat(s.failed().count()).isEqualTo(1);
  }

  // ---- the subjects (static nested: neither Surefire nor Jupiter runs them directly) ----

  static class RetrainConformance extends UnlearnerConformanceTest {
    @Override
    protected Unlearner unlearner() {
      return Unlearners.forName("retrain");
    }
  }

  /** Adds 1 to the caller's theta in place. */
  static final class Mutating extends AbstractUnlearner {
    Mutating() {
      super("mutating", "adds one to the caller's parameters in place");
    }

    @Override
    protected Outcome run(UnlearningRequest r, HyperparameterValues v, Cost.Meter meter) {
      r.parameters().addi(1.0);
      return Outcome.of(r.parameters().dup());
    }
  }

  static class MutatingConformance extends UnlearnerConformanceTest {
    @Override
    protected Unlearner unlearner() {
      return new Mutating();
    }

    @Override
    protected boolean expectRegistered() {
      return false;
    }
  }

  /** Adds noise from a generator that does not come from the request's seed. */
  static final class Unseeded extends AbstractUnlearner {
    private static final java.util.concurrent.atomic.AtomicLong CALLS =
        new java.util.concurrent.atomic.AtomicLong();

    Unseeded() {
      super("unseeded", "adds noise that ignores the seed");
    }

    @Override
    protected Outcome run(UnlearningRequest r, HyperparameterValues v, Cost.Meter meter) {
      INDArray noise = org.nd4j.linalg.factory.Nd4j.createFromArray(
          Numerics.gaussianVector(CALLS.incrementAndGet(), (int) r.parameters().length(), 1e-3))
          .castTo(r.parameters().dataType());
      return Outcome.of(r.parameters().add(noise));
    }
  }

  static class UnseededConformance extends UnlearnerConformanceTest {
    @Override
    protected Unlearner unlearner() {
      return new Unseeded();
    }

    @Override
    protected boolean expectRegistered() {
      return false;
    }
  }

  static class LogisticContract extends ModelDerivativesContract {
    @Override
    protected Model newModel() {
      return LogisticRegression.of(5, 3).withL2(0.01);
    }
  }

  /** Logistic regression whose gradient (alone) is scaled by 1.01. */
  static class SkewedGradientContract extends ModelDerivativesContract {
    @Override
    protected Model newModel() {
      return new Broken(LogisticRegression.of(5, 3).withL2(0.01), false);
    }
  }

  /** Logistic regression whose gradient(θ, X, out) answers for the first θ it was given. */
  static class StaleOutFormContract extends ModelDerivativesContract {
    @Override
    protected Model newModel() {
      return new Broken(LogisticRegression.of(5, 3).withL2(0.01), true);
    }
  }

  /**
   * A wrapped model, broken in one way: skewed (every point's gradient scaled by 1.01) or stale
   * (the out form of the gradient remembers its first answer: a reused point never reloaded).
   */
  record Broken(Model inner, boolean stale, INDArray[] first) implements Model {
    Broken(Model inner, boolean stale) {
      this(inner, stale, new INDArray[1]);
    }

    public String name() {
      return stale ? "stale" : "skewed";
    }

    public INDArray gradient(INDArray theta, Dataset data, INDArray out) {
      if (!stale) {
        return Model.super.gradient(theta, data, out);
      }
      if (first[0] == null) {
        first[0] = inner.gradient(theta, data);
      }
      return out.assign(first[0]);
    }

    public int numParameters() {
      return inner.numParameters();
    }

    public int numInputs() {
      return inner.numInputs();
    }

    public int numClasses() {
      return inner.numClasses();
    }

    public DataType dataType() {
      return inner.dataType();
    }

    public double l2() {
      return inner.l2();
    }

    public Model withDataType(DataType type) {
      return new Broken(inner.withDataType(type), stale);
    }

    public Model withL2(double l2) {
      return new Broken(inner.withL2(l2), stale);
    }

    public INDArray initialParameters(long seed) {
      return inner.initialParameters(seed);
    }

    public ModelPoint at(INDArray theta, Dataset data) {
      ModelPoint p = inner.at(theta, data);
      if (stale) {
        return p;
      }
      return (ModelPoint) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {ModelPoint.class}, (proxy, method, args) -> {
            if (method.getName().equals("model")) {
              return this;
            }
            Object out = method.invoke(p, args);
            return method.getName().equals("gradient") ? ((INDArray) out).mul(1.01) : out;
          });
    }

    public INDArray logits(INDArray theta, INDArray features) {
      return inner.logits(theta, features);
    }
  }
}

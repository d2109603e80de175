package dev.unlearn.testkit;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.core.model.AbstractModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model written the minimal way (the base class {@link AbstractModel}: logits and the gradient of
 * the mean cross-entropy, optionally the vector-Jacobian product), both delegated to an exact model.
 * For tests of what an unlearner, a harness or a contract does with a model that offers only the
 * minimum: without the VJP it has no {@code BACKPROPAGATE} and no Gauss-Newton products, and its
 * Hessian-vector products are finite differences.
 */
public class MinimalModel extends AbstractModel {
  final Model inner;

  private MinimalModel(String name, Model exact) {
    super(name + "(" + exact.name() + ")", exact.numParameters(), exact.numInputs(),
        exact.numClasses(), exact.dataType(), exact.l2());
    this.inner = exact.withL2(0);
  }

  /** Logits and gradient only, from {@code exact} (its &lambda; kept). */
  public static MinimalModel gradientOnly(Model exact) {
    InvalidInputException.check(exact != null, "exact model must not be null");
    return new MinimalModel("minimal", exact);
  }

  /** Logits, gradient and the vector-Jacobian product, from {@code exact} (its &lambda; kept). */
  public static MinimalModel withVjp(Model exact) {
    InvalidInputException.check(exact != null, "exact model must not be null");
    return new WithVjp(exact);
  }

  @Override
  public INDArray logits(INDArray theta, INDArray features) {
    return inner.logits(theta, features);
  }

  @Override
  protected INDArray crossEntropyGradient(INDArray theta, Dataset batch) {
    return inner.gradient(theta, batch);
  }

  /** The base class finds the VJP by its override (capabilities are read from the class). */
  private static final class WithVjp extends MinimalModel {
    WithVjp(Model exact) {
      super("minimal-vjp", exact);
    }

    @Override
    protected INDArray logitVjp(INDArray theta, INDArray features, INDArray u) {
      return inner.at(theta, Dataset.of(features, new int[(int) features.rows()], numClasses()))
          .backpropagate(u);
    }
  }
}

package dev.unlearn.testkit;

import dev.unlearn.api.Model;

/**
 * The contract on the minimal base class without the optional VJP: the backpropagate and
 * Gauss-Newton checks are skipped with the reason (the model does not list those capabilities);
 * every other check runs.
 */
class GradientOnlyModelContractTest extends ModelDerivativesContract {
  @Override
  protected Model newModel() {
    return MinimalModel.gradientOnly(AbstractModelContractTest.INNER).withL2(0.01);
  }
}

package example;

import dev.unlearn.api.Model;
import dev.unlearn.testkit.ModelDerivativesContract;

/** Your model's derivatives, checked by the library's contract (finite differences and more). */
class SoftmaxRegressionContractTest extends ModelDerivativesContract {
  @Override
  protected Model newModel() {
    return new SoftmaxRegression(6, 3).withL2(0.01);
  }
}

package dev.unlearn.dl4j;

import dev.unlearn.api.Model;
import dev.unlearn.testkit.ModelDerivativesContract;

/** The model-derivatives contract on a DL4J MLP (dense tanh 5 -> 8, softmax 3). */
class Dl4jMlpContractTest extends ModelDerivativesContract {
  @Override
  protected Model newModel() {
    return Dl4jModel.of(Networks.mlp(5, 8, 3, 9)).withL2(0.01);
  }
}

package dev.unlearn.dl4j;

import dev.unlearn.api.Model;
import dev.unlearn.testkit.ModelDerivativesContract;

/**
 * The model-derivatives contract on a DL4J ComputationGraph with two branches (dense tanh and
 * dense sigmoid of the input, merged, softmax): every check against finite differences and the
 * dense Jacobian oracle.
 */
class Dl4jGraphContractTest extends ModelDerivativesContract {
  @Override
  protected Model newModel() {
    return Dl4jModel.of(Networks.graphBranches(5, 4, 3, 11)).withL2(0.01);
  }
}

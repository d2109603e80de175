package dev.unlearn.dl4j;

import dev.unlearn.api.Model;
import dev.unlearn.testkit.ModelDerivativesContract;

/**
 * The library's model-derivatives contract on a DL4J CNN with BatchNormalization in inference
 * mode (convolution, BatchNormalization, tanh, max pooling, dense, softmax), trained a few steps so
 * that its running statistics are not the initial ones.
 */
class Dl4jBatchNormContractTest extends ModelDerivativesContract {
  @Override
  protected Model newModel() {
    return Dl4jModel.of(Networks.bnCnn(2, 6, 3, 5)).withL2(0.01);
  }
}

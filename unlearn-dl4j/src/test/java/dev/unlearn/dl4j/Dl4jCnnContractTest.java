package dev.unlearn.dl4j;

import dev.unlearn.api.Model;
import dev.unlearn.testkit.ModelDerivativesContract;

/**
 * The library's model-derivatives contract on a DL4J CNN (convolution 3 x 3 with 2 channels, max
 * pooling, dense 6, softmax 3; p = 155): every check runs, the curvature products held to the
 * finite-difference tolerance.
 */
class Dl4jCnnContractTest extends ModelDerivativesContract {
  @Override
  protected Model newModel() {
    return Dl4jModel.of(Networks.cnn(2, 6, 3, 5)).withL2(0.01);
  }
}

package dev.unlearn.core.model;

import dev.unlearn.api.Model;

class MlpReluTest extends NetworkDerivativesContract {

  @Override
  int[] sizes() {
    return new int[] {5,7,3};
  }

  @Override
  Activation activation() {
    return Activation.RELU;
  }

  @Override
  protected Model newModel() {
    return Mlp.of(Activation.RELU, sizes()).withL2(L2);
  }
}

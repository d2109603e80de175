package dev.unlearn.core.model;

import dev.unlearn.api.Model;

class MlpTwoHiddenTanhTest extends NetworkDerivativesContract {

  @Override
  int[] sizes() {
    return new int[] {5,7,6,3};
  }

  @Override
  Activation activation() {
    return Activation.TANH;
  }

  @Override
  protected Model newModel() {
    return Mlp.of(Activation.TANH, sizes()).withL2(L2);
  }
}

package dev.unlearn.core.model;

import dev.unlearn.api.Model;

class MlpGeluTest extends NetworkDerivativesContract {

  @Override
  int[] sizes() {
    return new int[] {5,7,3};
  }

  @Override
  Activation activation() {
    return Activation.GELU;
  }

  @Override
  protected Model newModel() {
    return Mlp.of(Activation.GELU, sizes()).withL2(L2);
  }
}

package dev.unlearn.testkit;

import dev.unlearn.api.Model;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.Mlp;

/**
 * The model-derivatives contract run on the minimal base class with the optional VJP ({@link
 * MinimalModel}: every check runs). Its methods delegate to a tanh {@link Mlp} with &lambda; = 0, as
 * a user's would to their own code; the base class derives everything else.
 */
class AbstractModelContractTest extends ModelDerivativesContract {
  static final Mlp INNER = Mlp.of(Activation.TANH, 4, 6, 3);

  @Override
  protected Model newModel() {
    return MinimalModel.withVjp(INNER).withL2(0.01);
  }
}

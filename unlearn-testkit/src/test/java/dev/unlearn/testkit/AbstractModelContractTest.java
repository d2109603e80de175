package dev.unlearn.testkit;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.core.model.AbstractModel;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.Mlp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The model-derivatives contract run on the minimal base class, with the optional VJP (every check
 * runs) and without it (the backpropagate and Gauss-Newton checks are skipped, the rest run).
 * The two required methods delegate to a tanh {@link Mlp} with &lambda; = 0, as a user's would to
 * their own code; the base class derives everything else.
 */
class AbstractModelContractTest extends ModelDerivativesContract {
  static final Mlp INNER = Mlp.of(Activation.TANH, 4, 6, 3).withL2(0);

  static class GradientOnly extends AbstractModel {
    GradientOnly() {
      super("own-mlp(4-6-3)", INNER.numParameters(), 4, 3, DataType.DOUBLE, 0);
    }

    @Override
    public INDArray logits(INDArray theta, INDArray features) {
      return INNER.logits(theta, features);
    }

    @Override
    protected INDArray crossEntropyGradient(INDArray theta, Dataset batch) {
      return INNER.gradient(theta, batch);
    }
  }

  static final class WithVjp extends GradientOnly {
    @Override
    protected INDArray logitVjp(INDArray theta, INDArray features, INDArray u) {
      return INNER.at(theta, Dataset.of(features, new int[(int) features.rows()], 3))
          .backpropagate(u);
    }
  }

  @Override
  protected Model newModel() {
    return new WithVjp().withL2(0.01);
  }
}

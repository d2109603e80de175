package dev.unlearn.core.unlearner;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.HyperparameterValues;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.train.TrainingResult;
import java.util.Map;

/**
 * {@code finetune}: continue training the original model on the retain set only ("catastrophic
 * forgetting" of the forget set), with Adam or SGD for a few epochs.
 */
public final class FinetuneUnlearner extends AbstractUnlearner {
  static final Hyperparameter<Integer> EPOCHS = Knobs.epochs(5, "the retain set");
  static final Hyperparameter<Double> LR = Knobs.learningRate(1e-3);
  static final Hyperparameter<Integer> BATCH = Knobs.batchSize(64);
  static final Hyperparameter<String> OPT = Knobs.optimizer();

  public FinetuneUnlearner() {
    super("finetune", "fine-tune the trained model on the retain set", EPOCHS, LR, BATCH, OPT);
  }

  @Override
  protected Outcome run(UnlearningRequest request, HyperparameterValues v, Cost.Meter meter) {
    TrainingResult r = Steps.finetune(request.model(), request.retainSet(), request.parameters(),
        v.get(OPT), v.get(EPOCHS), v.get(BATCH), v.get(LR), request.seed(), meter);
    return Outcome.of(r.parameters(), Map.of("retain-loss", r.loss(),
        "gradient-norm", r.gradientNorm()));
  }
}

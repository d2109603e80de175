package dev.unlearn.core.unlearner;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.HyperparameterValues;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.train.TrainingResult;
import java.util.SplittableRandom;

/**
 * {@code random-label} (Graves et al. 2021, "Amnesiac" relabelling): give every forget row a
 * uniformly random wrong label (seeded), then fine-tune on the retain rows plus the relabelled
 * forget rows.
 */
public final class RandomLabelUnlearner extends AbstractUnlearner {
  static final Hyperparameter<Integer> EPOCHS = Knobs.epochs(2, "the relabelled training set");
  static final Hyperparameter<Double> LR = Knobs.learningRate(1e-3);
  static final Hyperparameter<Integer> BATCH = Knobs.batchSize(64);
  static final Hyperparameter<String> OPT = Knobs.optimizer();

  public RandomLabelUnlearner() {
    super("random-label", "relabel the forget rows at random, then fine-tune on all rows", EPOCHS,
        LR, BATCH, OPT);
  }

  @Override
  protected Outcome run(UnlearningRequest request, HyperparameterValues v, Cost.Meter meter) {
    Dataset train = request.training();
    int k = train.numClasses();
    int[] labels = train.labels();
    SplittableRandom rng = new SplittableRandom(request.seed());
    for (int row : request.forgetRows()) {
      int wrong = rng.nextInt(k - 1);
      labels[row] = wrong >= labels[row] ? wrong + 1 : wrong;
    }
    Dataset relabelled = Dataset.of(train.features(), labels, k);
    TrainingResult r = Steps.finetune(request.model(), relabelled, request.parameters(), v.get(OPT),
        v.get(EPOCHS), v.get(BATCH), v.get(LR), request.seed(), meter);
    return Outcome.of(r.parameters());
  }
}

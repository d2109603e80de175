package dev.unlearn.core.unlearner;

import dev.unlearn.api.Cost;
import dev.unlearn.api.HyperparameterValues;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.core.train.TrainingResult;
import java.util.Map;
import java.util.Optional;

/**
 * {@code retrain}: the oracle. Trains from scratch on the retain set with the request's recipe; a
 * minibatch recipe is reseeded with the request's seed (so the same seed gives the same model as
 * {@code Trainer.train(model, retain, recipe.withSeed(seed))}); L-BFGS from zeros needs no seed.
 */
public final class RetrainUnlearner extends AbstractUnlearner {

  public RetrainUnlearner() {
    super("retrain", "retrain from scratch on the retain set with the original recipe (the oracle)");
  }

  @Override
  protected Outcome run(UnlearningRequest request, HyperparameterValues values, Cost.Meter meter) {
    TrainingRecipe recipe = request.recipe().withSeed(request.seed());
    TrainingResult r = Trainer.builder(recipe).monitor(meter.monitor()).build()
        .train(request.model(), request.retainSet());
    meter.add(r.cost(), request.retainSet().size());
    return new Outcome(r.parameters(), Map.of("gradient-norm", r.gradientNorm(),
        "iterations", (double) r.iterations(), "loss", r.loss()), r.converged(), Optional.empty());
  }
}

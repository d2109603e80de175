package com.example.halfway;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.HyperparameterValues;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.core.train.TrainingResult;
import dev.unlearn.core.unlearner.AbstractUnlearner;

/** Mixes the original parameters with those of a model retrained on the retain set. */
public final class HalfwayUnlearner extends AbstractUnlearner {
  static final Hyperparameter<Double> MIX =
      Hyperparameter.ofDouble("mix", 0.5, 0, true, 1, true, "weight of the retrained model");

  public HalfwayUnlearner() {
    super("halfway", "mixes the original with a retrained model", MIX);
  }

  @Override
  protected Outcome run(UnlearningRequest r, HyperparameterValues v, Cost.Meter meter) {
    // the monitor carries the request's budget, listener and interrupts into the training loop
    TrainingResult t = Trainer.builder(r.recipe()).monitor(meter.monitor()).build()
        .train(r.model(), r.retainSet());
    meter.add(t.cost(), r.retainSet().size());
    double w = v.get(MIX);
    return Outcome.of(r.parameters().mul(1 - w).addi(t.parameters().mul(w)));
  }
}

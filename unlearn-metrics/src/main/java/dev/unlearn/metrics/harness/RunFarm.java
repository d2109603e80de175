package dev.unlearn.metrics.harness;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.core.train.TrainingResult;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where the {@link EvaluationHarness}'s independent runs execute when they do not run on its own
 * threads: each retraining and each unlearning run is a unit that returns only its parameters and
 * what it cost; evaluation and scoring stay with the harness. {@code unlearn-spark}'s {@code
 * SparkRunFarm} runs the units as Spark tasks. An implementation runs {@link #train(Model, Dataset,
 * int[], TrainingRecipe)} and {@link #unlearn} below for each unit, so the per-run values are the
 * harness's own, bit for bit.
 */
public interface RunFarm {
  /**
   * Trains {@code model} with each recipe on {@code training} without the rows {@code leftOut}; one
   * entry per recipe, in order.
   */
  List<ModelCache.Entry> train(Model model, Dataset training, int[] leftOut,
      List<TrainingRecipe> recipes);

  /** Runs each job on ({@code model}, {@code training}, {@code forget}); one outcome per job, in order. */
  List<Outcome> unlearn(Model model, Dataset training, int[] forget, TrainingRecipe recipe,
      List<Job> jobs);

  /**
   * One unlearning run: the unlearner by registered name, its hyperparameters, the parameters it
   * starts from and the request's seed.
   */
  record Job(String unlearner, Map<String, Object> hyperparameters, double[] start, long seed)
      implements Serializable {}

  /** What a run returns: its parameters, cost, CPU time and convergence, or why it failed. */
  record Outcome(double[] parameters, Cost cost, double cpuSeconds, boolean converged,
      String failure) implements Serializable {
    static Outcome failed(String why) {
      return new Outcome(null, null, 0, false, why);
    }
  }

  /** One retraining, as the harness's model cache does it. */
  static ModelCache.Entry train(Model model, Dataset training, int[] leftOut,
      TrainingRecipe recipe) {
    Dataset data = leftOut.length == 0 ? training : training.without(leftOut);
    long cpu0 = ModelCache.cpuNanos();
    TrainingResult t = Trainer.train(model, data, recipe);
    double cpu = (ModelCache.cpuNanos() - cpu0) * 1e-9;
    return new ModelCache.Entry(t.parameters().toDoubleVector(), t.cost().seconds(), cpu,
        t.cost().gradientEvaluations(), t.converged());
  }

  /**
   * One unlearning run, as the harness does it on its own threads: the request, the unlearner
   * (looked up by name in the registry of this JVM), and the checks of its result.
   */
  static Outcome unlearn(Model model, Dataset training, int[] forget, TrainingRecipe recipe,
      Job job) {
    Unlearner u;
    try {
      u = Unlearners.forName(job.unlearner());
    } catch (RuntimeException e) {
      return Outcome.failed("unlearner '" + job.unlearner() + "' is not registered where the run "
          + "executes: " + e.getMessage());
    }
    return unlearn(model, training, forget, recipe, u, job.hyperparameters(),
        Nd4j.createFromArray(job.start()).castTo(model.dataType()), job.seed());
  }

  /** One unlearning run with a given unlearner instance (what the harness's own threads do). */
  static Outcome unlearn(Model model, Dataset training, int[] forget, TrainingRecipe recipe,
      Unlearner u, Map<String, Object> hyperparameters, INDArray start, long seed) {
    String who = "unlearner '" + u.name() + "' (" + u.getClass().getName() + ")";
    long cpu0 = ModelCache.cpuNanos();
    UnlearningResult result;
    try {
      result = u.unlearn(UnlearningRequest.builder(model, start, training).forgetRows(forget)
          .recipe(recipe).hyperparameters(hyperparameters).seed(seed).build());
    } catch (RuntimeException e) {
      return Outcome.failed(who + " threw " + e.getClass().getSimpleName() + ": "
          + e.getMessage());
    }
    double cpu = (ModelCache.cpuNanos() - cpu0) * 1e-9;
    String invalid = EvaluationHarness.invalidResult(model, result);
    if (invalid != null) {
      return Outcome.failed(who + " returned an invalid result: " + invalid);
    }
    return new Outcome(result.parameters().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
        .toDoubleVector(), result.cost(), cpu, result.converged(), null);
  }

  /** Runs every unit on the calling thread (for tests and as the reference). */
  static RunFarm sequential() {
    return new RunFarm() {
      @Override
      public List<ModelCache.Entry> train(Model model, Dataset training, int[] leftOut,
          List<TrainingRecipe> recipes) {
        return recipes.stream().map(r -> RunFarm.train(model, training, leftOut, r)).toList();
      }

      @Override
      public List<Outcome> unlearn(Model model, Dataset training, int[] forget,
          TrainingRecipe recipe, List<Job> jobs) {
        return jobs.stream().map(j -> RunFarm.unlearn(model, training, forget, recipe, j))
            .toList();
      }

      @Override
      public String toString() {
        return "sequential";
      }
    };
  }
}

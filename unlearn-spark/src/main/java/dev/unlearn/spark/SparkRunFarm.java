package dev.unlearn.spark;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.metrics.harness.ModelCache;
import dev.unlearn.metrics.harness.RunFarm;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The evaluation harness's independent runs as Spark tasks, one task per retraining or unlearning
 * run: the model, the training rows and the forget set are broadcast once per phase, each task
 * runs exactly what the harness's own threads would run ({@link RunFarm#train(Model, Dataset,
 * int[], TrainingRecipe)}, {@link RunFarm#unlearn}) and returns only the parameters and the cost;
 * evaluation and scoring stay on the driver. The model must be {@link Serializable}; unlearners are
 * looked up by name on the executors, so plugins must be on their class path.
 *
 * <pre>{@code
 * EvaluationHarness.builder(model, train, test).forgetRows(forget).models(512)
 *     .farm(new SparkRunFarm(sc)).build().run();
 * }</pre>
 */
public final class SparkRunFarm implements RunFarm {
  private final JavaSparkContext sc;
  private final PrintStream progress;

  public SparkRunFarm(JavaSparkContext sc) {
    this(sc, null);
  }

  /** With a line on {@code progress} at every tenth of a phase's tasks (null: none). */
  public SparkRunFarm(JavaSparkContext sc, PrintStream progress) {
    InvalidInputException.check(sc != null, "the Spark context must not be null");
    this.sc = sc;
    this.progress = progress;
  }

  /** Counts the finished tasks of the running phase and reports each tenth with an estimate. */
  private final class Progress extends SparkListener {
    private final String what;
    private final int total;
    private final long start = System.nanoTime();
    private final AtomicInteger done = new AtomicInteger();

    Progress(String what, int total) {
      this.what = what;
      this.total = total;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      // the listener bus is asynchronous: the last events may arrive after the job returned, so
      // the final line comes from the driver thread (finished), and this one stops short of it
      int d = done.incrementAndGet();
      if (d < total && d * 10L / total != (d - 1) * 10L / total) {
        line(d);
      }
    }

    void line(int d) {
      if (progress != null) {
        double elapsed = (System.nanoTime() - start) * 1e-9;
        progress.printf(Locale.ROOT, "[spark] %s %d/%d tasks (%.1f s elapsed, ETA %.0f s)%n",
            what, d, total, elapsed, elapsed / d * Math.max(0, total - d));
      }
    }
  }

  private <T> List<T> tracked(String what, int total, java.util.function.Supplier<List<T>> job) {
    Progress p = new Progress(what, total);
    sc.sc().addSparkListener(p);
    List<T> out;
    try {
      out = job.get();
    } finally {
      sc.sc().removeSparkListener(p);
    }
    p.line(total);
    return out;
  }

  /** What every task of a phase needs, shipped once as a broadcast. */
  record Inputs(Model model, double[] features, int rows, int width, int[] labels, int classes,
      int[] rowsOut, TrainingRecipe recipe) implements Serializable {
    Dataset training() {
      return Dataset.of(Nd4j.create(features, new long[] {rows, width}, DataType.DOUBLE), labels,
          classes);
    }
  }

  private Inputs inputs(Model model, Dataset training, int[] rowsOut, TrainingRecipe recipe) {
    InvalidInputException.check(model instanceof Serializable,
        "model (%s, %s) must be java.io.Serializable to run on Spark executors", model.name(),
        model.getClass().getName());
    return new Inputs(model, training.features(DataType.DOUBLE).dup('c').data().asDouble(),
        training.size(), training.numFeatures(), training.labels(), training.numClasses(),
        rowsOut.clone(), recipe);
  }

  @Override
  public List<ModelCache.Entry> train(Model model, Dataset training, int[] leftOut,
      List<TrainingRecipe> recipes) {
    if (recipes.isEmpty()) {
      return List.of();
    }
    Broadcast<Inputs> in = sc.broadcast(inputs(model, training, leftOut, null));
    try {
      return tracked("retraining", recipes.size(), () -> sc.parallelize(recipes, recipes.size())
          .map(r -> {
            Inputs i = in.value();
            return RunFarm.train(i.model(), i.training(), i.rowsOut(), r);
          }).collect());
    } finally {
      in.destroy();
    }
  }

  @Override
  public List<Outcome> unlearn(Model model, Dataset training, int[] forget, TrainingRecipe recipe,
      List<Job> jobs) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    Broadcast<Inputs> in = sc.broadcast(inputs(model, training, forget, recipe));
    try {
      return tracked("unlearning", jobs.size(), () -> sc.parallelize(jobs, jobs.size())
          .map(j -> {
            Inputs i = in.value();
            return RunFarm.unlearn(i.model(), i.training(), i.rowsOut(), i.recipe(), j);
          }).collect());
    } finally {
      in.destroy();
    }
  }

  @Override
  public String toString() {
    return "Spark " + sc.master();
  }
}

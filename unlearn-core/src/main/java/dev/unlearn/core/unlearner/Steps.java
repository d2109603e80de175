package dev.unlearn.core.unlearner;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.core.internal.Vectors;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.core.train.TrainingResult;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Gradient pieces shared by the first-order unlearners, with cost accounting. */
final class Steps {
  private Steps() {}

  /**
   * The gradient of the mean cross-entropy on {@code batch} at x, with the objective's L2 term when
   * {@code regularised}; written into {@code g}. Returns the (matching) loss.
   */
  static double crossEntropyGradient(Model model, double[] x, Dataset batch, boolean regularised,
      double[] g, Cost.Meter meter) {
    INDArray theta = Vectors.toArray(x, model.dataType());
    ModelPoint at = model.at(theta, batch);
    double[] grad = at.gradient().toDoubleVector();
    double loss = at.loss();
    if (!regularised) {
      double l2 = model.l2();
      for (int i = 0; i < grad.length; i++) {
        grad[i] -= l2 * x[i];
      }
      loss -= 0.5 * l2 * Vectors.dot(x, x);
    }
    System.arraycopy(grad, 0, g, 0, g.length);
    meter.gradient(batch.size());
    return loss;
  }

  /**
   * The gradient of the mean KL(teacher &Vert; student) on {@code batch}, student at x, teacher
   * probabilities given (rows of {@code batch}); written into {@code g}.
   */
  static void klGradient(Model model, double[] x, Dataset batch, INDArray teacherProbabilities,
      double[] g, Cost.Meter meter) {
    ModelPoint at = model.at(Vectors.toArray(x, model.dataType()), batch);
    INDArray u = at.probabilities().sub(teacherProbabilities.castTo(model.dataType()))
        .divi(batch.size());
    double[] grad = at.backpropagate(u).toDoubleVector();
    System.arraycopy(grad, 0, g, 0, g.length);
    meter.gradient(batch.size());
  }

  /** Softmax probabilities of a model at x on a batch (a forward pass, counted as half a gradient). */
  static INDArray probabilities(Model model, INDArray theta, Dataset batch, Cost.Meter meter) {
    meter.gradient(batch.size() / 2);
    return model.at(theta, batch).probabilities();
  }

  /**
   * Fine-tunes from {@code start} on {@code data} with Adam or SGD for {@code epochs}; counts the
   * work on {@code meter} and stops early when its monitor says so.
   */
  static TrainingResult finetune(Model model, Dataset data, INDArray start, String optimizer,
      int epochs, int batchSize, double learningRate, long seed, Cost.Meter meter) {
    TrainingRecipe recipe = optimizer.equals("sgd")
        ? TrainingRecipe.sgd(epochs, batchSize, learningRate, 0.9, seed)
        : TrainingRecipe.adam(epochs, batchSize, learningRate, seed);
    TrainingResult r = Trainer.builder(recipe).start(start).monitor(meter.monitor()).build()
        .train(model, data);
    meter.add(r.cost(), data.size());
    return r;
  }

}

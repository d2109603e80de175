package dev.unlearn.metrics.harness;

import dev.unlearn.api.InvalidInputException;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores that a task adds to the harness's own: the harness calls {@link #score} on the original
 * model, on every retrained model and on every unlearning run's result, and reports them beside its
 * own scores ({@link GroupScores#extra()} for the original and the retrained models, {@link
 * MethodReport#spread()} with mean, deviation and 95 % interval for every method). The canary task
 * uses it for exposure and test perplexity, and for the validation scores that choose its
 * hyperparameters.
 *
 * <pre>{@code
 * Scorer norm = Scorer.of(List.of("norm"), theta -> new double[] {theta.norm2Number().doubleValue()});
 * EvaluationHarness.builder(model, train, test).scorer(norm)...
 * }</pre>
 *
 * <p>{@link #score} may be called from several harness threads at once; it must not modify
 * {@code theta}. A score may be NaN (reported as such); an exception is the run's failure.
 */
public interface Scorer {
  /** The scores' names, in the order of {@link #score}'s values; distinct and non-blank. */
  List<String> names();

  /** The scores of these parameters (the model's data type), one per name. */
  double[] score(INDArray theta);

  /** A scorer from names and a function. */
  static Scorer of(List<String> names, Function<INDArray, double[]> scores) {
    InvalidInputException.check(names != null && !names.isEmpty(),
        "scorer names must not be empty");
    InvalidInputException.check(scores != null, "scorer function must not be null");
    List<String> copy = List.copyOf(names);
    for (String n : copy) {
      InvalidInputException.check(!n.isBlank(), "scorer name (\"%s\") must not be blank", n);
    }
    InvalidInputException.check(copy.stream().distinct().count() == copy.size(),
        "scorer names %s must be distinct", copy);
    return new Scorer() {
      @Override
      public List<String> names() {
        return copy;
      }

      @Override
      public double[] score(INDArray theta) {
        return scores.apply(theta);
      }
    };
  }
}

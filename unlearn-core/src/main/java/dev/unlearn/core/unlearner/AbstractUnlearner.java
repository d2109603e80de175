package dev.unlearn.core.unlearner;

import dev.unlearn.api.Certificate;
import dev.unlearn.api.Cost;
import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.HyperparameterValues;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.RunMonitor;
import dev.unlearn.api.RunStoppedException;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningException;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A base for unlearners: it checks that the model is supported, resolves the request's
 * hyperparameters against the declared ones (unknown names and out-of-range values fail with
 * {@link InvalidInputException}), meters the run, watches its budget, listener and interrupts, and
 * rejects a non-finite result.
 *
 * <p>Budgets and stopping: {@code run} gets the request's {@link RunMonitor} as
 * {@code meter.monitor()}. Loops call {@code monitor.report(phase, iteration, loss)} once per
 * iteration and {@code monitor.check()} in inner loops, and return what they have when either says
 * stop; code with no partial answer calls {@code monitor.stopIfAsked()}, and the result keeps
 * &theta;. Either way the result's {@link dev.unlearn.api.Termination} says why the run ended. An
 * interrupt ends the run with {@link dev.unlearn.api.UnlearningInterruptedException}.
 *
 * <pre>{@code
 * public final class MyUnlearner extends AbstractUnlearner {
 *   static final Hyperparameter<Integer> STEPS = Hyperparameter.ofInt("steps", 3, 1, 100, "updates");
 *   public MyUnlearner() { super("my-method", "what it does", STEPS); }
 *   protected Outcome run(UnlearningRequest r, HyperparameterValues v, Cost.Meter meter) { ... }
 * }
 * }</pre>
 */
public abstract class AbstractUnlearner implements Unlearner {
  private final String name;
  private final String description;
  private final List<Hyperparameter<?>> hyperparameters;

  protected AbstractUnlearner(String name, String description, Hyperparameter<?>... hyperparameters) {
    this.name = Objects.requireNonNull(name, "name");
    this.description = Objects.requireNonNull(description, "description");
    this.hyperparameters = List.of(hyperparameters);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final List<Hyperparameter<?>> hyperparameters() {
    return hyperparameters;
  }

  @Override
  public final UnlearningResult unlearn(UnlearningRequest request) {
    Objects.requireNonNull(request, "request");
    HyperparameterValues values = request.hyperparameters(hyperparameters);
    Optional<String> unsupported = unsupportedReason(request.model(), values.asMap());
    if (unsupported.isPresent()) {
      throw new InvalidInputException("unlearner " + unsupported.get());
    }
    RunMonitor monitor = RunMonitor.of(request);
    Cost.Meter meter = new Cost.Meter(request.training().size(), monitor);
    Outcome out;
    try {
      out = run(request, values, meter);
    } catch (RunStoppedException stopped) { // deep in a solve or sketch: nothing better than theta
      out = new Outcome(request.parameters().dup(), Map.of(), false, Optional.empty());
    }
    Cost cost = meter.stop();
    double[] theta = out.parameters().toDoubleVector();
    for (int i = 0; i < theta.length; i++) {
      if (!Double.isFinite(theta[i])) {
        throw new UnlearningException(name + " produced a non-finite parameter " + i + " ("
            + theta[i] + ") with " + values + "; lower the learning rate or the number of steps");
      }
    }
    return new UnlearningResult(out.parameters(), cost, out.diagnostics(), out.converged(),
        out.certificate(), monitor.termination());
  }

  /**
   * Runs the method on a checked request with resolved hyperparameters; counts work on
   * {@code meter} (its wall time is taken by the caller) and checks {@code meter.monitor()} in
   * every loop that can take long.
   */
  protected abstract Outcome run(UnlearningRequest request, HyperparameterValues values,
      Cost.Meter meter);

  /** What {@link #run} produced. */
  public record Outcome(INDArray parameters, Map<String, Double> diagnostics, boolean converged,
      Optional<Certificate> certificate) {

    public static Outcome of(INDArray parameters) {
      return new Outcome(parameters, Map.of(), true, Optional.empty());
    }

    public static Outcome of(INDArray parameters, Map<String, Double> diagnostics) {
      return new Outcome(parameters, diagnostics, true, Optional.empty());
    }
  }
}

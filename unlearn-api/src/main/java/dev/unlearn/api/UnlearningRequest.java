package dev.unlearn.api;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything an {@link Unlearner} needs: the model family, its trained parameters &theta;, the
 * training data, the rows to forget, the recipe that trained &theta;, hyperparameter values (checked
 * by the unlearner against its declarations), a seed, an optional time budget and an optional
 * progress listener.
 *
 * <pre>{@code
 * UnlearningRequest request = UnlearningRequest.builder(model, theta, train)
 *     .forgetRows(forget).recipe(recipe).hyperparameter("steps", 3).seed(7).build();
 * }</pre>
 *
 * <p>{@link Builder#build()} checks the request: &theta; must be a finite rank-1 vector of length p in
 * the model's data type, the data must match the model's width and classes, and the forget rows
 * must be in range, distinct, non-empty and not the whole training set. Violations throw
 * {@link InvalidInputException} naming the value. The request keeps references to the caller's
 * &theta; and data (which unlearners never mutate).
 */
public final class UnlearningRequest {
  private final Model model;
  private final INDArray parameters;
  private final Dataset training;
  private final int[] forgetRows;
  private final int[] retainRows;
  private final TrainingRecipe recipe;
  private final Map<String, Object> hyperparameters;
  private final long seed;
  private final Duration budget;
  private final ProgressListener listener;
  private volatile Dataset forgetSet;
  private volatile Dataset retainSet;

  private UnlearningRequest(Builder b, int[] forget) {
    this.model = b.model;
    this.parameters = b.parameters;
    this.training = b.training;
    this.forgetRows = forget;
    this.retainRows = Dataset.complement(forget, b.training.size());
    this.recipe = b.recipe;
    this.hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.hyperparameters));
    this.seed = b.seed;
    this.budget = b.budget;
    this.listener = b.listener;
  }

  public static Builder builder(Model model, INDArray parameters, Dataset training) {
    return new Builder(model, parameters, training);
  }

  /** A builder that starts from this request (for changing one field). */
  public Builder toBuilder() {
    Builder b = new Builder(model, parameters, training).forgetRows(forgetRows).recipe(recipe)
        .seed(seed).hyperparameters(hyperparameters);
    if (budget != null) {
      b.budget(budget);
    }
    if (listener != null) {
      b.listener(listener);
    }
    return b;
  }

  public Model model() {
    return model;
  }

  /** The trained &theta; (the caller's array: do not mutate). */
  public INDArray parameters() {
    return parameters;
  }

  public Dataset training() {
    return training;
  }

  /** The rows to forget, ascending, a copy. */
  public int[] forgetRows() {
    return forgetRows.clone();
  }

  /** The rows kept, ascending, a copy. */
  public int[] retainRows() {
    return retainRows.clone();
  }

  /** The forget set as a data set (computed once). */
  public Dataset forgetSet() {
    Dataset f = forgetSet;
    if (f == null) {
      forgetSet = f = training.rows(forgetRows);
    }
    return f;
  }

  /** The retain set as a data set (computed once). */
  public Dataset retainSet() {
    Dataset r = retainSet;
    if (r == null) {
      retainSet = r = training.rows(retainRows);
    }
    return r;
  }

  public TrainingRecipe recipe() {
    return recipe;
  }

  /** The hyperparameter values the caller gave, unchecked; see {@link #hyperparameters(List)}. */
  public Map<String, Object> hyperparameterValues() {
    return hyperparameters;
  }

  /** The caller's values checked against {@code declared}, with defaults filled in. */
  public HyperparameterValues hyperparameters(List<Hyperparameter<?>> declared) {
    return HyperparameterValues.resolve(declared, hyperparameters);
  }

  public long seed() {
    return seed;
  }

  /**
   * An optional wall-time budget. The library's unlearners stop when it is spent and return the
   * best parameters they have, with {@link Termination#BUDGET_SPENT} (see {@link RunMonitor}).
   */
  public Optional<Duration> budget() {
    return Optional.ofNullable(budget);
  }

  /** An optional listener for progress, which may also stop the run (see {@link RunMonitor}). */
  public Optional<ProgressListener> listener() {
    return Optional.ofNullable(listener);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "UnlearningRequest[%s, n=%d, forget=%d, seed=%d, %s]",
        model.name(), training.size(), forgetRows.length, seed, hyperparameters);
  }

  /** Builds and checks an {@link UnlearningRequest}. */
  public static final class Builder {
    private final Model model;
    private final INDArray parameters;
    private final Dataset training;
    private int[] forgetRows;
    private int[] forgetGroups;
    private TrainingRecipe recipe = TrainingRecipe.lbfgs(1e-6);
    private final Map<String, Object> hyperparameters = new LinkedHashMap<>();
    private long seed;
    private Duration budget;
    private ProgressListener listener;

    private Builder(Model model, INDArray parameters, Dataset training) {
      InvalidInputException.check(model != null, "model must not be null");
      InvalidInputException.check(parameters != null, "parameters must not be null");
      InvalidInputException.check(training != null, "training data must not be null");
      this.model = model;
      this.parameters = parameters;
      this.training = training;
    }

    /** Forget these training rows (indices into the training data). */
    public Builder forgetRows(int... rows) {
      InvalidInputException.check(rows != null, "forget rows must not be null");
      this.forgetRows = rows.clone();
      this.forgetGroups = null;
      return this;
    }

    /** Forget every row whose group id is one of these. */
    public Builder forgetGroups(int... groups) {
      InvalidInputException.check(groups != null, "forget groups must not be null");
      this.forgetGroups = groups.clone();
      this.forgetRows = null;
      return this;
    }

    public Builder recipe(TrainingRecipe r) {
      InvalidInputException.check(r != null, "recipe must not be null");
      this.recipe = r;
      return this;
    }

    /**
     * Sets one hyperparameter. A null name or value is rejected (a null value never means "the
     * default": leave the name out for that).
     */
    public Builder hyperparameter(String name, Object value) {
      InvalidInputException.check(name != null, "hyperparameter name must not be null");
      InvalidInputException.check(value != null,
          "hyperparameter '%s' (null) must have a value; leave it out to use its default", name);
      hyperparameters.put(name, value);
      return this;
    }

    /** Sets several hyperparameters, each as {@link #hyperparameter(String, Object)} does. */
    public Builder hyperparameters(Map<String, ?> values) {
      InvalidInputException.check(values != null, "hyperparameters must not be null");
      values.forEach(this::hyperparameter);
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public Builder budget(Duration d) {
      InvalidInputException.check(d != null && !d.isNegative() && !d.isZero(),
          "budget (%s) must be positive", d);
      this.budget = d;
      return this;
    }

    /** Receives progress and may stop the run; see {@link ProgressListener}. */
    public Builder listener(ProgressListener l) {
      InvalidInputException.check(l != null, "listener must not be null");
      this.listener = l;
      return this;
    }

    /** Checks everything and builds the request. */
    public UnlearningRequest build() {
      checkParameters();
      InvalidInputException.check(training.numFeatures() == model.numInputs(),
          "training data width (%d) must equal the model's inputs (%d)", training.numFeatures(),
          model.numInputs());
      InvalidInputException.check(training.numClasses() == model.numClasses(),
          "training data classes (%d) must equal the model's classes (%d)", training.numClasses(),
          model.numClasses());
      int[] forget = forgetGroups != null ? rowsOfGroups() : forgetRows;
      InvalidInputException.check(forget != null, "forget rows must be given");
      InvalidInputException.check(forget.length > 0, "the forget set must not be empty");
      int n = training.size();
      int[] sorted = forget.clone();
      Arrays.sort(sorted);
      for (int k = 0; k < sorted.length; k++) {
        if (sorted[k] < 0 || sorted[k] >= n) {
          throw new InvalidInputException(String.format(Locale.ROOT,
              "forget row %d must be in [0, %d)", sorted[k], n));
        }
        if (k > 0 && sorted[k] == sorted[k - 1]) {
          throw new InvalidInputException("forget row " + sorted[k] + " is listed twice");
        }
      }
      InvalidInputException.check(sorted.length < n,
          "the forget set (%d rows) must not be the whole training set (%d rows)", sorted.length, n);
      return new UnlearningRequest(this, sorted);
    }

    private void checkParameters() {
      int p = model.numParameters();
      InvalidInputException.check(parameters.rank() == 1 && parameters.length() == p,
          "parameters (shape %s) must be a vector of length %d for %s",
          Arrays.toString(parameters.shape()), p, model.name());
      InvalidInputException.check(parameters.dataType() == model.dataType(),
          "parameters (%s) must have the model's data type (%s)", parameters.dataType(),
          model.dataType());
      double[] v = parameters.toDoubleVector();
      for (int i = 0; i < v.length; i++) {
        if (!Double.isFinite(v[i])) {
          throw new InvalidInputException("parameter " + i + " (" + v[i] + ") must be finite");
        }
      }
    }

    private int[] rowsOfGroups() {
      InvalidInputException.check(training.hasGroups(),
          "cannot forget groups: the training data has no group ids");
      InvalidInputException.check(forgetGroups.length > 0, "the forget groups must not be empty");
      Set<Integer> wanted = new TreeSet<>();
      for (int g : forgetGroups) {
        InvalidInputException.check(wanted.add(g), "forget group %d is listed twice", g);
      }
      Set<Integer> seen = new TreeSet<>();
      int[] rows = new int[training.size()];
      int k = 0;
      for (int i = 0; i < training.size(); i++) {
        int g = training.group(i);
        if (wanted.contains(g)) {
          rows[k++] = i;
          seen.add(g);
        }
      }
      wanted.removeAll(seen);
      InvalidInputException.check(wanted.isEmpty(), "forget groups %s have no rows", wanted);
      return Arrays.copyOf(rows, k);
    }
  }
}

package dev.unlearn.api;

import java.util.List;

/** No registered unlearner has the requested name; {@link #available()} lists those that do. */
public class UnknownUnlearnerException extends UnlearningException {
  private static final long serialVersionUID = 1L;
  private final String name;
  private final List<String> available;

  public UnknownUnlearnerException(String name, List<String> available) {
    super("unknown unlearner '" + name + "'; available: " + String.join(", ", available));
    this.name = name;
    this.available = List.copyOf(available);
  }

  /** The name that was asked for. */
  public String name() {
    return name;
  }

  /** The names that are registered, sorted. */
  public List<String> available() {
    return available;
  }
}

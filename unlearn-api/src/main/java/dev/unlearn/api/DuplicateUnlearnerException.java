package dev.unlearn.api;

import java.util.List;

/**
 * Two or more providers on the class path register unlearners under one name; neither is used, and
 * asking for that name throws this exception, naming every provider class. The other unlearners of
 * the registry are unaffected.
 */
public class DuplicateUnlearnerException extends UnlearningException {
  private static final long serialVersionUID = 1L;
  private final String name;
  private final List<String> providers;

  public DuplicateUnlearnerException(String name, List<String> providers) {
    super("two unlearners are named '" + name + "': " + String.join(" and ", providers)
        + "; remove one of them from the class path (or rename it)");
    this.name = name;
    this.providers = List.copyOf(providers);
  }

  /** The name that more than one provider uses. */
  public String name() {
    return name;
  }

  /** The provider classes that use it, in class-path order. */
  public List<String> providers() {
    return providers;
  }
}

package dev.unlearn.core.registry;

import dev.unlearn.api.DuplicateUnlearnerException;
import dev.unlearn.api.UnknownUnlearnerException;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An immutable set of unlearners, keyed by {@link Unlearner#name()}, loaded from
 * {@code META-INF/services/dev.unlearn.api.Unlearner} entries with {@link ServiceLoader}.
 *
 * <ul>
 *   <li>Two providers with one name: neither is registered, both are listed in {@link #failures()}
 *       with a {@link DuplicateUnlearnerException} naming both classes, and {@link #forName} of
 *       that name throws it. The other unlearners still load: one bad plugin never disables the
 *       built-ins.
 *   <li>A provider that cannot be loaded or instantiated, or whose name is not lower-kebab-case, is
 *       logged as a warning and listed in {@link #failures()}; the others still load.
 *   <li>{@link #forName(String)} of an unknown name throws {@link UnknownUnlearnerException} listing
 *       the available names.
 * </ul>
 *
 * (The pattern of Lucene's {@code NamedSPILoader}.)
 */
public final class UnlearnerRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(UnlearnerRegistry.class);
  private static final String NAME_PATTERN = "[a-z][a-z0-9]*(-[a-z0-9]+)*";

  private final Map<String, Unlearner> byName;
  private final Map<String, DuplicateUnlearnerException> ambiguous;
  private final List<LoadFailure> failures;

  /** A provider that could not be loaded: its class (or service-file entry) and the cause. */
  public record LoadFailure(String provider, Throwable cause) {
    /** The cause and its chain of causes, one line (what a plugin author needs to fix it). */
    public String describe() {
      StringBuilder sb = new StringBuilder(String.valueOf(cause));
      for (Throwable c = cause.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
        sb.append("; caused by ").append(c);
      }
      return sb.toString();
    }

    @Override
    public String toString() {
      return provider + ": " + describe();
    }
  }

  private UnlearnerRegistry(Map<String, Unlearner> byName,
      Map<String, DuplicateUnlearnerException> ambiguous, List<LoadFailure> failures) {
    this.byName = Collections.unmodifiableMap(byName);
    this.ambiguous = Map.copyOf(ambiguous);
    this.failures = List.copyOf(failures);
  }

  /**
   * Loads every provider visible to the class loader.
   *
   * @throws UnlearningException if two providers share a name (the message names both classes)
   */
  public static UnlearnerRegistry load(ClassLoader loader) {
    return of(iterate(ServiceLoader.load(Unlearner.class, loader)));
  }

  /** A registry of the given instances (for tests and embedding), with the same checks as a load. */
  public static UnlearnerRegistry of(Iterable<Unlearner> unlearners) {
    return of(new Loaded(toList(unlearners), List.of()));
  }

  private static List<Unlearner> toList(Iterable<Unlearner> it) {
    List<Unlearner> out = new ArrayList<>();
    it.forEach(out::add);
    return out;
  }

  private record Loaded(List<Unlearner> unlearners, List<LoadFailure> failures) {}

  private static Loaded iterate(ServiceLoader<Unlearner> loader) {
    List<Unlearner> found = new ArrayList<>();
    List<LoadFailure> failures = new ArrayList<>();
    Iterator<Unlearner> it = loader.iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        found.add(it.next());
      } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
        // The lazy iterator moves past a broken provider; report it and go on with the rest.
        failures.add(new LoadFailure(providerOf(e), e));
      }
    }
    return new Loaded(found, failures);
  }

  private static String providerOf(Throwable e) {
    String m = String.valueOf(e.getMessage());
    // "dev.unlearn.api.Unlearner: Provider com.x.Y could not be instantiated"
    int i = m.indexOf("Provider ");
    if (i >= 0) {
      String rest = m.substring(i + "Provider ".length());
      int sp = rest.indexOf(' ');
      return sp > 0 ? rest.substring(0, sp) : rest;
    }
    return m;
  }

  private static UnlearnerRegistry of(Loaded loaded) {
    Map<String, Unlearner> byName = new TreeMap<>();
    Map<String, List<String>> duplicates = new TreeMap<>();
    List<LoadFailure> failures = new ArrayList<>(loaded.failures());
    for (Unlearner u : loaded.unlearners()) {
      String name;
      try {
        name = u.name();
      } catch (RuntimeException e) {
        failures.add(new LoadFailure(u.getClass().getName(), e));
        continue;
      }
      if (name == null || !name.matches(NAME_PATTERN)) {
        failures.add(new LoadFailure(u.getClass().getName(), new UnlearningException(
            "unlearner name (" + name + ") must be lower-kebab-case, like 'gradient-ascent'")));
        continue;
      }
      List<String> dup = duplicates.get(name);
      if (dup != null) {
        dup.add(u.getClass().getName());
        continue;
      }
      Unlearner previous = byName.putIfAbsent(name, u);
      if (previous != null) {
        byName.remove(name);
        List<String> providers = new ArrayList<>();
        providers.add(previous.getClass().getName());
        providers.add(u.getClass().getName());
        duplicates.put(name, providers);
      }
    }
    Map<String, DuplicateUnlearnerException> ambiguous = new TreeMap<>();
    for (Map.Entry<String, List<String>> e : duplicates.entrySet()) {
      DuplicateUnlearnerException ex = new DuplicateUnlearnerException(e.getKey(), e.getValue());
      ambiguous.put(e.getKey(), ex);
      for (String provider : e.getValue()) {
        failures.add(new LoadFailure(provider, ex));
      }
    }
    for (LoadFailure f : failures) {
      LOG.warn("unlearner provider {} failed to load and is skipped: {}", f.provider(),
          f.describe());
    }
    return new UnlearnerRegistry(byName, ambiguous, failures);
  }

  /**
   * The unlearner with this name.
   *
   * @throws UnknownUnlearnerException listing the available names
   * @throws DuplicateUnlearnerException if several providers use the name, naming them
   */
  public Unlearner forName(String name) {
    Unlearner u = byName.get(name);
    if (u == null) {
      DuplicateUnlearnerException dup = ambiguous.get(name);
      if (dup != null) {
        throw new DuplicateUnlearnerException(dup.name(), dup.providers());
      }
      throw new UnknownUnlearnerException(name, names());
    }
    return u;
  }

  /** Every loaded unlearner, sorted by name. */
  public List<Unlearner> available() {
    return List.copyOf(byName.values());
  }

  /** The loaded names, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** The providers that failed to load. */
  public List<LoadFailure> failures() {
    return failures;
  }
}

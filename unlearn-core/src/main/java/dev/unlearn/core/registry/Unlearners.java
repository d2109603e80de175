package dev.unlearn.core.registry;

import dev.unlearn.api.UnknownUnlearnerException;
import dev.unlearn.api.Unlearner;
import java.util.List;

/**
 * The default registry: every {@link Unlearner} on the class path (this project's and any plugin
 * jar's), loaded once on first use with the loader that loaded this class.
 *
 * <pre>{@code
 * Unlearner newton = Unlearners.forName("newton");
 * for (Unlearner u : Unlearners.available()) System.out.println(u.name());
 * }</pre>
 */
public final class Unlearners {
  private Unlearners() {}

  private static final class Holder {
    static final UnlearnerRegistry REGISTRY = UnlearnerRegistry.load(Unlearners.class.getClassLoader());
  }

  /** The default registry. */
  public static UnlearnerRegistry registry() {
    return Holder.REGISTRY;
  }

  /**
   * The registered unlearner with this name.
   *
   * @throws UnknownUnlearnerException listing the available names
   */
  public static Unlearner forName(String name) {
    return registry().forName(name);
  }

  /** Every registered unlearner, sorted by name. */
  public static List<Unlearner> available() {
    return registry().available();
  }
}

package dev.unlearn.core.registry;

import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import java.util.List;

/** Unlearner classes used only by the registry tests. */
public final class TestPlugins {
  private TestPlugins() {}

  /** A minimal provider, as a plugin author would write it. */
  public abstract static class Named implements Unlearner {
    private final String name;

    Named(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String description() {
      return "test unlearner " + name;
    }

    @Override
    public List<Hyperparameter<?>> hyperparameters() {
      return List.of();
    }

    @Override
    public UnlearningResult unlearn(UnlearningRequest request) {
      throw new UnsupportedOperationException("registry test only");
    }
  }

  public static final class Alpha extends Named {
    public Alpha() {
      super("alpha");
    }
  }

  public static final class AlphaAgain extends Named {
    public AlphaAgain() {
      super("alpha");
    }
  }

  public static final class Beta extends Named {
    public Beta() {
      super("beta");
    }
  }

  public static final class BadName extends Named {
    public BadName() {
      super("Not_Kebab");
    }
  }

  /** Throws from its constructor: ServiceLoader cannot instantiate it. */
  public static final class Exploding extends Named {
    public Exploding() {
      super("exploding");
      throw new IllegalStateException("boom in constructor");
    }
  }
}

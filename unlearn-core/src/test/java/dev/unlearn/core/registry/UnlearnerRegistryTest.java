package dev.unlearn.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.DuplicateUnlearnerException;
import dev.unlearn.api.UnknownUnlearnerException;
import dev.unlearn.api.UnlearningException;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnlearnerRegistryTest {
  @TempDir Path dir;

  /** A class loader that sees only a services file listing {@code providers} (classes from the parent). */
  private ClassLoader loaderListing(String... providers) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.write(services.resolve("dev.unlearn.api.Unlearner"), List.of(providers));
    // Parent = platform loader + this test's classes via a delegating child: use a URLClassLoader
    // whose own resources are only the temp dir, and which delegates class loading to the app loader.
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader()) {
      @Override
      public java.util.Enumeration<URL> getResources(String name) throws IOException {
        return findResources(name); // only our services file, not the project's
      }
    };
  }

  @Test
  void loadsListedProvidersSortedByName() throws IOException {
    UnlearnerRegistry r = UnlearnerRegistry.load(loaderListing(
        TestPlugins.Beta.class.getName(), TestPlugins.Alpha.class.getName()));
    assertThat(r.names()).containsExactly("alpha", "beta");
    assertThat(r.forName("beta")).isInstanceOf(TestPlugins.Beta.class);
    assertThat(r.failures()).isEmpty();
  }

  @Test
  void unknownNameListsTheAvailableNames() throws IOException {
    UnlearnerRegistry r = UnlearnerRegistry.load(loaderListing(
        TestPlugins.Alpha.class.getName(), TestPlugins.Beta.class.getName()));
    assertThatThrownBy(() -> r.forName("gamma"))
        .isInstanceOf(UnknownUnlearnerException.class)
        .hasMessageContaining("'gamma'")
        .hasMessageContaining("alpha, beta")
        .satisfies(e -> assertThat(((UnknownUnlearnerException) e).available())
            .containsExactly("alpha", "beta"));
  }

  @Test
  void duplicateNamesAreATypedErrorForThatNameOnlyNamingBothClasses() throws IOException {
    // Before: a plugin reusing a name threw from the load, so the default registry's holder
    // failed (ExceptionInInitializerError, then NoClassDefFoundError) and every built-in died.
    ClassLoader l = loaderListing(TestPlugins.Alpha.class.getName(),
        TestPlugins.AlphaAgain.class.getName(), TestPlugins.Beta.class.getName());
    UnlearnerRegistry r = UnlearnerRegistry.load(l);
    assertThat(r.names()).containsExactly("beta");
    assertThat(r.forName("beta")).isInstanceOf(TestPlugins.Beta.class);
    for (int attempt = 0; attempt < 2; attempt++) {
      assertThatThrownBy(() -> r.forName("alpha"))
          .isInstanceOf(DuplicateUnlearnerException.class)
          .hasMessageContaining("'alpha'")
          .hasMessageContaining(TestPlugins.Alpha.class.getName())
          .hasMessageContaining(TestPlugins.AlphaAgain.class.getName())
          .satisfies(e -> assertThat(((DuplicateUnlearnerException) e).providers())
              .containsExactly(TestPlugins.Alpha.class.getName(),
                  TestPlugins.AlphaAgain.class.getName()));
    }
    assertThat(r.failures()).extracting(UnlearnerRegistry.LoadFailure::provider)
        .containsExactlyInAnyOrder(TestPlugins.Alpha.class.getName(),
            TestPlugins.AlphaAgain.class.getName());
    assertThat(r.failures()).allSatisfy(f ->
        assertThat(f.cause()).isInstanceOf(DuplicateUnlearnerException.class));
  }

  @Test
  void brokenProvidersAreReportedAndDoNotHideTheOthers() throws IOException {
    UnlearnerRegistry r = UnlearnerRegistry.load(loaderListing(
        TestPlugins.Alpha.class.getName(),
        "dev.unlearn.does.not.Exist",
        TestPlugins.Exploding.class.getName(),
        TestPlugins.BadName.class.getName(),
        TestPlugins.Beta.class.getName()));
    assertThat(r.names()).containsExactly("alpha", "beta");
    assertThat(r.failures()).extracting(UnlearnerRegistry.LoadFailure::provider)
        .containsExactlyInAnyOrder("dev.unlearn.does.not.Exist",
            TestPlugins.Exploding.class.getName(), TestPlugins.BadName.class.getName());
    assertThat(r.failures().toString()).contains("boom in constructor").contains("lower-kebab");
  }

  @Test
  void defaultRegistryHasEveryFirstOrderUnlearnerAndTheTestPlugin() {
    // The test plugin is registered only through src/test/resources/META-INF/services: no code in
    // the registry knows it, which is the plugin story.
    assertThat(Unlearners.registry().names()).contains("retrain", "finetune", "gradient-ascent",
        "neggrad-plus", "random-label", "erase-repair", "scrub", "test-plugin-identity");
    assertThat(Unlearners.forName("test-plugin-identity")).isInstanceOf(IdentityTestPlugin.class);
    assertThat(Unlearners.registry().failures()).isEmpty();
    assertThat(Unlearners.available()).extracting(u -> u.name()).isSorted();
  }

  @Test
  void everyRegisteredUnlearnerDescribesItselfAndItsHyperparameters() {
    Unlearners.available().forEach(u -> {
      assertThat(u.name()).matches("[a-z][a-z0-9]*(-[a-z0-9]+)*");
      assertThat(u.description()).as(u.name()).isNotBlank();
      u.hyperparameters().forEach(h -> {
        assertThat(h.help()).as(u.name() + "." + h.name()).isNotBlank();
        assertThat(h.validate(h.defaultValue())).isEqualTo(h.defaultValue());
      });
    });
  }
}

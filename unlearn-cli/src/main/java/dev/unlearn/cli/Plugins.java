package dev.unlearn.cli;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.core.registry.UnlearnerRegistry;
import dev.unlearn.core.registry.Unlearners;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The unlearners a run may use: the built-in ones and, with {@code --plugins DIR}, those of every
 * jar in DIR, loaded through one class loader of their own (its parent is the application's) by
 * the {@link java.util.ServiceLoader}. A plugin that cannot be loaded, or that reuses a name, is
 * reported on stderr naming its class; the rest load.
 */
final class Plugins {
  private Plugins() {}

  static UnlearnerRegistry registry(Path dir, PrintStream err) {
    if (dir == null) {
      return Unlearners.registry();
    }
    InvalidInputException.check(Files.isDirectory(dir), "--plugins (%s) must be a directory", dir);
    List<Path> jars;
    try (Stream<Path> files = Files.list(dir)) {
      jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    InvalidInputException.check(!jars.isEmpty(), "--plugins (%s) must hold at least one .jar", dir);
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new InvalidInputException("--plugins: " + jars.get(i) + " is not a usable path");
      }
    }
    // never closed: the unlearners' classes live as long as the run
    URLClassLoader loader = new URLClassLoader("unlearn-plugins", urls,
        Plugins.class.getClassLoader());
    UnlearnerRegistry registry = UnlearnerRegistry.load(loader);
    err.printf("[plugins] %d jar(s) in %s; unlearners: %s%n", jars.size(), dir, registry.names());
    for (UnlearnerRegistry.LoadFailure f : registry.failures()) {
      err.println("[plugins] not loaded: " + f.describe());
    }
    return registry;
  }
}

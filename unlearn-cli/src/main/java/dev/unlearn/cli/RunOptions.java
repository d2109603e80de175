package dev.unlearn.cli;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.metrics.harness.ModelCache;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags that {@code scoreboard} and {@code canary} share (a picocli mixin). */
final class RunOptions {
  @Option(names = "--methods", paramLabel = "LIST", split = ",",
      description = "comma-separated unlearner names (default: the command's own list)")
  List<String> methods = List.of();

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "unlearn-out",
      description = "output folder of the reports (default: ${DEFAULT-VALUE})")
  Path outDir;

  @Option(names = "--cache", paramLabel = "DIR",
      description = "model cache folder, or 'none' (default: OUT/cache)")
  String cacheDir;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
      description = "seed of the forget set, the models and the runs (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--verbose", description = "log libraries' INFO lines (ND4J's start-up, say)")
  boolean verbose;

  void check() {
    methods = methods.stream().map(String::trim).filter(m -> !m.isEmpty()).toList();
  }

  ModelCache cache() {
    return cacheDir != null && cacheDir.equals("none") ? ModelCache.disabled()
        : ModelCache.in(cacheDir != null ? Path.of(cacheDir) : outDir.resolve("cache"));
  }
}

package dev.unlearn.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What produced an output folder ({@code manifest.json}): the library version and git commit when
 * known, the command line, the seed and thread counts, the JVM, the operating system, the cores,
 * the heap limit, and the start and end times (ISO-8601, UTC).
 *
 * @param schema {@code "unlearn-run-manifest/1"}
 * @param command the subcommand
 * @param arguments its arguments as given
 * @param libraryVersion the jar's Implementation-Version, or "development build"
 * @param gitCommit the commit of the checkout the application's jar was built in, or null
 * @param seed the run's seed
 * @param threads the harness's worker threads (1 for canary, which runs on one)
 * @param ompThreads {@code OMP_NUM_THREADS}, or null when unset
 * @param java the JVM's version and vendor
 * @param os the operating system's name, version and architecture
 * @param cores the processors available to the JVM
 * @param maxHeapBytes the JVM's heap limit
 * @param offHeapLimits JavaCPP's {@code maxbytes} and {@code maxphysicalbytes} settings
 * @param startedAt when the command started
 * @param endedAt when it ended
 * @param phases the scoreboard's wall time per phase and model, in seconds (null for the other
 *     commands): see {@link Scoreboard}
 */
record RunManifest(String schema, String command, List<String> arguments, String libraryVersion,
    String gitCommit, long seed, int threads, String ompThreads, String java, String os,
    int cores, long maxHeapBytes, String offHeapLimits, String startedAt, String endedAt,
    java.util.Map<String, java.util.Map<String, Double>> phases) {

  static RunManifest of(String command, List<String> arguments, long seed, int threads,
      Instant started) {
    return of(command, arguments, seed, threads, started, null);
  }

  static RunManifest of(String command, List<String> arguments, long seed, int threads,
      Instant started, java.util.Map<String, java.util.Map<String, Double>> phases) {
    String v = UnlearnCli.class.getPackage().getImplementationVersion();
    return new RunManifest("unlearn-run-manifest/1", command, List.copyOf(arguments),
        v != null ? v : "development build", currentGitCommit(), seed, threads,
        System.getenv("OMP_NUM_THREADS"),
        System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory(),
        "maxbytes=" + System.getProperty("org.bytedeco.javacpp.maxbytes", "default")
            + ", maxphysicalbytes="
            + System.getProperty("org.bytedeco.javacpp.maxphysicalbytes", "default"),
        started.toString(), Instant.now().toString(), phases);
  }

  /**
   * The commit of the checkout the application runs from (the folder of its jar or classes), or
   * null (no git, not a checkout, or slower than 2 s).
   */
  static String currentGitCommit() {
    try {
      java.io.File where;
      try {
        where = new java.io.File(UnlearnCli.class.getProtectionDomain().getCodeSource()
            .getLocation().toURI());
      } catch (java.net.URISyntaxException | SecurityException | NullPointerException e) {
        return null;
      }
      java.io.File dir = where.isDirectory() ? where : where.getParentFile();
      Process p = new ProcessBuilder("git", "-C", dir.getPath(), "rev-parse", "HEAD")
          .redirectErrorStream(true).start();
      if (!p.waitFor(2, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  Path write(Path dir) {
    return Output.json(dir.resolve("manifest.json"), this);
  }
}

package dev.unlearn.cli;

import dev.unlearn.api.InvalidInputException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code unlearn canary}: the language-model case study of {@code docs/canary.md} (canary exposure
 * before and after unlearning, and sequential deletion rounds), run by {@link CanaryScoreboard}.
 */
@Command(name = "canary", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"The language-model case study of docs/canary.md: a character model of the "
        + "Devil's Dictionary with inserted canaries, their exposure before and after each "
        + "unlearner, and sequential deletion rounds. The defaults are the documented run (under "
        + "10 minutes on 2 cores)."})
final class Canary implements Callable<Integer> {
  private final PrintStream out;
  private final PrintStream err;

  @Spec
  CommandSpec spec;

  @Mixin
  RunOptions run = new RunOptions();

  @Option(names = "--sequential-methods", paramLabel = "LIST", split = ",",
      description = "methods of the sequential rounds (default fisher-forgetting, fisher-removal, "
          + "gradient-ascent, finetune; retrain is the reference)")
  List<String> sequentialMethods = CanaryScoreboard.Config.DEFAULT_SEQUENTIAL;

  @Option(names = "--rounds", paramLabel = "R", defaultValue = "5",
      description = "sequential deletion rounds, 0 = none (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--entries", paramLabel = "N", defaultValue = "200",
      description = "training entries of the Devil's Dictionary (default: ${DEFAULT-VALUE})")
  int entries;

  @Option(names = "--test-entries", paramLabel = "N", defaultValue = "50",
      description = "validation and test entries, each (default: ${DEFAULT-VALUE})")
  int testEntries;

  @Option(names = "--hidden", paramLabel = "H", defaultValue = "64",
      description = "hidden units of char-ngram(41, k=5, e=12, h=H) (default: ${DEFAULT-VALUE})")
  int hidden;

  @Option(names = "--embedding", paramLabel = "E", defaultValue = "12",
      description = "embedding size (default: ${DEFAULT-VALUE})")
  int embedding;

  @Option(names = "--epochs", paramLabel = "E", defaultValue = "3",
      description = "Adam epochs of the original and retrained models (default: ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--samples", paramLabel = "M", defaultValue = "10000",
      description = "sampled secrets per exposure estimate (default: ${DEFAULT-VALUE})")
  int samples;

  Canary(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    Instant started = Instant.now();
    run.check();
    range("--rounds", rounds, 0, 50);
    range("--entries", entries, 1, 1000);
    range("--test-entries", testEntries, 1, 1000);
    range("--hidden", hidden, 1, 4096);
    range("--embedding", embedding, 1, 1024);
    range("--epochs", epochs, 1, 1000);
    range("--samples", samples, 1, 10_000_000);
    CanaryScoreboard.Config c = new CanaryScoreboard.Config(entries, testEntries, embedding,
        hidden, epochs, samples, rounds,
        run.methods.isEmpty() ? CanaryScoreboard.Config.DEFAULT_METHODS : run.methods,
        sequentialMethods.stream().map(String::trim).filter(m -> !m.isEmpty()).toList(),
        run.seed, run.cache());
    CanaryScoreboard.Outcome outcome = new CanaryScoreboard(c, err).run();
    String markdown = CanaryReport.markdown(outcome);
    out.print(markdown);
    out.flush();
    List<Path> files = new java.util.ArrayList<>(
        CanaryReport.writeAll(outcome, markdown, run.outDir.resolve("canary")));
    files.add(RunManifest.of("canary", spec.commandLine().getParseResult().originalArgs(),
        run.seed, 1, started).write(run.outDir.resolve("canary")));
    err.printf(Locale.ROOT, "[canary] wrote %s%n", files);
    return 0;
  }

  private static void range(String flag, int v, int min, int max) {
    InvalidInputException.check(v >= min && v <= max, "%s (%d) must be an integer in [%d, %d]",
        flag, v, min, max);
  }
}

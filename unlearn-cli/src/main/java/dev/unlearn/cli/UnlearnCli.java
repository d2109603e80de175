package dev.unlearn.cli;

import dev.unlearn.api.UnlearningException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code unlearn} command: {@code scoreboard}, {@code canary}, {@code score} and {@code
 * journal verify} as picocli subcommands, each with its own flags and {@code --help}; a flag that
 * does not apply to a command
 * is an error. Exit status 0, or 2 for bad input (an unknown flag or method, a value out of range,
 * a malformed file), with a one-line message naming the value.
 *
 * <pre>
 * java -jar unlearn-cli/target/unlearn-cli.jar scoreboard --model logistic --models 8
 * bin/scoreboard --help          (bin/scoreboard runs the jar, scoreboard by default)
 * </pre>
 */
@Command(name = "unlearn", mixinStandardHelpOptions = true,
    versionProvider = UnlearnCli.Version.class,
    description = "Machine unlearning: evaluate unlearners, study canaries, score confidences, "
        + "verify deletion journals.",
    subcommands = {Scoreboard.class, Canary.class, Score.class, Journal.class})
public final class UnlearnCli implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    quietLogging(Arrays.asList(args).contains("--verbose"));
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Keeps the console to the results: libraries log at WARN and above unless {@code --verbose}
   * (ND4J's start-up banner is INFO). Must run before anything touches SLF4J.
   */
  static void quietLogging(boolean verbose) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
  }

  /** Runs the command line; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    IFactory factory = new IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        if (cls == Scoreboard.class) {
          return cls.cast(new Scoreboard(out, err));
        }
        if (cls == Canary.class) {
          return cls.cast(new Canary(out, err));
        }
        if (cls == Score.class) {
          return cls.cast(new Score(out));
        }
        if (cls == Journal.Verify.class) {
          return cls.cast(new Journal.Verify(out));
        }
        return CommandLine.defaultFactory().create(cls);
      }
    };
    CommandLine cli = new CommandLine(new UnlearnCli(), factory);
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setParameterExceptionHandler((e, a) -> {
      CommandLine c = e.getCommandLine();
      c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + e.getMessage());
      c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
      return 2;
    });
    cli.setExecutionExceptionHandler((e, c, parsed) -> {
      if (e instanceof UnlearningException || e instanceof UncheckedIOException) {
        c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
        return 2;
      }
      throw e;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    spec.commandLine().getErr().println("\nA command is required: scoreboard, canary, score or journal.");
    return 2;
  }

  /** The library version from the jar's manifest ("development" when run from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = UnlearnCli.class.getPackage().getImplementationVersion();
      return new String[] {"unlearn " + (v != null ? v : "development build")};
    }
  }
}

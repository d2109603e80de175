package dev.unlearn.cli;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.service.DeletionJournal;
import dev.unlearn.hessian.service.JournalVerification;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code unlearn journal verify}: an auditor's check of a deletion journal (every entry's hash, the
 * chain, the sequence, a torn last entry) and, given the deployed model's parameters, that they are
 * what the last request left. Exit status 0 when intact, 1 when anything is wrong (each problem
 * printed), 2 for a usage error.
 */
@Command(name = "journal", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Deletion journals.", subcommands = {Journal.Verify.class})
final class Journal {
  @Command(name = "verify", sortOptions = false, mixinStandardHelpOptions = true,
      description = {"Verifies a deletion journal: every entry's SHA-256, the hash chain, the "
          + "sequence and a torn last entry (a crash mid-write); with --parameters, that the "
          + "deployed parameters hash to what the last request left. Prints the head hash to "
          + "publish. Exit status 0 when intact, 1 when not."})
  static final class Verify implements Callable<Integer> {
    private final PrintStream out;

    @Parameters(index = "0", paramLabel = "JOURNAL", description = "the journal (JSON lines)")
    Path file;

    @Option(names = "--parameters", paramLabel = "FILE",
        description = "the deployed model's parameters as a NumPy .npy file (float64 or float32)")
    Path parameters;

    Verify(PrintStream out) {
      this.out = out;
    }

    @Override
    public Integer call() throws IOException {
      InvalidInputException.check(Files.isRegularFile(file), "journal %s is not a file", file);
      INDArray theta = null;
      if (parameters != null) {
        InvalidInputException.check(Files.isRegularFile(parameters), "parameters %s is not a "
            + "file", parameters);
        try {
          theta = Nd4j.createFromNpyFile(parameters.toFile());
        } catch (RuntimeException e) {
          throw new InvalidInputException("parameters " + parameters + " is not a NumPy .npy "
              + "file: " + e.getMessage());
        }
      }
      JournalVerification v = DeletionJournal.verify(file, theta);
      out.printf("%s: %d entries (%d requests), head %s%n", file, v.entries(),
          Math.max(0, v.entries() - 1), v.headHash());
      if (v.lastParameters() != null) {
        out.println("parameters after the last request: " + v.lastParameters()
            + (theta == null ? "" : v.problems().stream().anyMatch(p -> p.kind()
                == JournalVerification.Kind.PARAMETERS_MISMATCH) ? " (the given parameters "
                + "differ)" : " (the given parameters match)"));
      }
      for (JournalVerification.Problem p : v.problems()) {
        out.println("PROBLEM " + p);
      }
      out.println(v.intact() ? "INTACT" : "NOT INTACT: " + v.problems().size() + " problem(s)");
      return v.intact() ? 0 : 1;
    }
  }
}

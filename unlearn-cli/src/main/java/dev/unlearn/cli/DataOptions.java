package dev.unlearn.cli;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.core.data.CsvLoader;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.data.Splits;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where the scoreboard's data come from (a picocli mixin): the embedded digits, or a CSV of the
 * user's own, split (stratified, seeded) and z-scored with the training statistics only; and which
 * training rows to forget: a random fraction, given rows, or whole groups.
 */
final class DataOptions {
  @Option(names = "--data", paramLabel = "FILE", description = "a CSV file of your own (gzip "
      + "by its .gz name or its first bytes) instead of the embedded digits")
  Path file;

  @Option(names = "--label", paramLabel = "COLUMN", defaultValue = "-1", description = "the "
      + "label column of --data: a header name, or an index from 0 (negative counts from the "
      + "end; default: the last)")
  String label;

  @Option(names = "--group", paramLabel = "COLUMN", description = "an optional group-id column "
      + "of --data (a name or an index), for --forget-groups")
  String group;

  @Option(names = "--header", description = "the first row of --data names the columns (implied "
      + "when --label or --group is a name)")
  boolean header;

  @Option(names = "--skip", paramLabel = "N", defaultValue = "0",
      description = "lines of --data to skip before the header or the first row")
  int skip;

  @Option(names = "--delimiter", paramLabel = "C", defaultValue = ",",
      description = "the field separator of --data (default: ${DEFAULT-VALUE})")
  char delimiter;

  @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.2",
      description = "held-out share of --data, stratified by label (default: ${DEFAULT-VALUE})")
  double testFraction;

  @Option(names = "--forget", paramLabel = "F", defaultValue = "0.1",
      description = "fraction of training rows to forget, in (0, 1) (default: ${DEFAULT-VALUE})")
  double forget;

  @Option(names = "--forget-rows", paramLabel = "LIST", split = ",",
      description = "forget these rows instead: 0-based data rows of the file (or of the "
          + "embedded digits), each in the training split")
  List<Integer> forgetRows;

  @Option(names = "--forget-groups", paramLabel = "LIST", split = ",",
      description = "forget every training row of these groups instead (needs --group)")
  List<Integer> forgetGroups;

  /** The data set's name in reports. */
  String name() {
    return file == null ? "digits" : file.getFileName().toString();
  }

  /** The train and test sets, z-scored with the training statistics. */
  Split split(long seed) {
    InvalidInputException.check(forget > 0 && forget < 1, "--forget (%s) must be in (0, 1)",
        forget);
    InvalidInputException.check(forgetRows == null || forgetGroups == null,
        "--forget-rows and --forget-groups must not both be given");
    if (file == null) {
      InvalidInputException.check(group == null && !header && skip == 0 && delimiter == ','
          && label.equals("-1") && testFraction == 0.2,
          "--label, --group, --header, --skip, --delimiter and --test-fraction apply to --data only");
      InvalidInputException.check(forgetGroups == null,
          "--forget-groups needs --data with a --group column");
      return Digits.standardSplit();
    }
    InvalidInputException.check(testFraction > 0 && testFraction < 1,
        "--test-fraction (%s) must be in (0, 1)", testFraction);
    InvalidInputException.check(forgetGroups == null || group != null,
        "--forget-groups needs a --group column");
    CsvLoader.Builder b = CsvLoader.builder().delimiter(delimiter).skipLines(skip);
    boolean named = !isIndex(label) || (group != null && !isIndex(group));
    b.header(header || named);
    if (isIndex(label)) {
      b.labelColumn(Integer.parseInt(label));
    } else {
      b.labelColumn(label);
    }
    if (group != null) {
      if (isIndex(group)) {
        b.groupColumn(Integer.parseInt(group));
      } else {
        b.groupColumn(group);
      }
    }
    return Splits.stratifiedStandardized(b.build().load(file), testFraction, seed & 0xFFFFFFFFL);
  }

  /** The training rows to forget, sorted. */
  int[] forgetSet(Split split, long seed) {
    Dataset train = split.train();
    if (forgetGroups != null) {
      return ForgetSets.groups(train, forgetGroups.stream().mapToInt(Integer::intValue).toArray());
    }
    if (forgetRows != null) {
      int[] trainRows = split.trainRows();
      int[] position = new int[Arrays.stream(trainRows).max().orElse(-1) + 1];
      Arrays.fill(position, -1);
      for (int i = 0; i < trainRows.length; i++) {
        position[trainRows[i]] = i;
      }
      int[] out = new int[forgetRows.size()];
      for (int i = 0; i < out.length; i++) {
        int row = forgetRows.get(i);
        InvalidInputException.check(row >= 0 && row < position.length && position[row] >= 0,
            "--forget-rows: row %d must be a data row in the training split (the test split "
                + "holds %s of the rows)", row, testFraction);
        out[i] = position[row];
      }
      Arrays.sort(out);
      return out;
    }
    return ForgetSets.randomFraction(train, forget, seed);
  }

  private static boolean isIndex(String column) {
    return column.matches("-?[0-9]+");
  }
}

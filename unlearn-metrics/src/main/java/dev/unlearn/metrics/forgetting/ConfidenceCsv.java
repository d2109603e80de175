package dev.unlearn.metrics.forgetting;

import dev.unlearn.api.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a matrix of confidences from CSV: one line per model (row), one comma-separated column per
 * forget example, as {@link ForgettingScore#compute(double[][], double[][])} takes it.
 *
 * <p>Format: fields separated by commas, surrounding blanks ignored; blank lines and lines starting
 * with {@code #} skipped; if the first remaining line has a field that is neither a decimal number
 * nor a spelling of NaN or infinity ({@code nan}, {@code inf}, {@code -Infinity}, any case) it is a
 * header and skipped; so a first row of {@code nan} is data, and fails as non-finite. Numbers are
 * plain decimals ({@code 3}, {@code -0.5}, {@code 1e-3}); Java-only spellings such as {@code 1.5f},
 * {@code 2d} or {@code 0x1p3} are not numbers. Every data row must have the first data row's
 * length. NaN, infinite or unparsable values fail with {@link InvalidInputException} naming the row
 * and column (0-based, data rows only) and the line number; a file without data rows fails too.
 *
 * <pre>{@code
 * double[][] u = ConfidenceCsv.read(Path.of("unlearned.csv"));
 * }</pre>
 */
public final class ConfidenceCsv {
  private ConfidenceCsv() {}

  /** Reads the file (UTF-8). */
  public static double[][] read(Path path) {
    try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  /** Reads from a reader (not closed). */
  public static double[][] read(Reader reader) {
    BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
    List<double[]> rows = new ArrayList<>();
    int lineNumber = 0;
    boolean first = true;
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNumber++;
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        String[] fields = trimmed.split(",", -1);
        if (first) {
          first = false;
          if (isHeader(fields)) {
            continue;
          }
        }
        int row = rows.size();
        if (!rows.isEmpty() && fields.length != rows.get(0).length) {
          throw new InvalidInputException(String.format(Locale.ROOT,
              "row %d (line %d) length (%d) must be %d, the first row's length", row, lineNumber,
              fields.length, rows.get(0).length));
        }
        double[] values = new double[fields.length];
        for (int c = 0; c < fields.length; c++) {
          String f = fields[c].strip();
          if (NON_FINITE.matcher(f).matches()) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                "confidence at row %d, column %d (line %d: %s) must be finite", row, c,
                lineNumber, f));
          }
          if (!DECIMAL.matcher(f).matches()) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                "confidence at row %d, column %d (line %d: \"%s\") must be a number", row, c,
                lineNumber, f));
          }
          double v = Double.parseDouble(f);
          if (!Double.isFinite(v)) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                "confidence at row %d, column %d (line %d: %s) must be finite", row, c,
                lineNumber, v));
          }
          values[c] = v;
        }
        rows.add(values);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    InvalidInputException.check(!rows.isEmpty(), "data rows (0) must be >= 1");
    return rows.toArray(new double[0][]);
  }

  /** A plain decimal number: optional sign, digits with an optional point, optional exponent. */
  static final java.util.regex.Pattern DECIMAL =
      java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  /** The spellings of NaN and infinity that numeric tools write (numpy, pandas, R, Java). */
  static final java.util.regex.Pattern NON_FINITE = java.util.regex.Pattern.compile(
      "[+-]?(nan|inf|infinity)", java.util.regex.Pattern.CASE_INSENSITIVE);

  private static boolean isHeader(String[] fields) {
    for (String f : fields) {
      String t = f.strip();
      if (!DECIMAL.matcher(t).matches() && !NON_FINITE.matcher(t).matches()) {
        return true;
      }
    }
    return false;
  }
}

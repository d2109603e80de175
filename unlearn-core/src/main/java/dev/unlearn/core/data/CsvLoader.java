package dev.unlearn.core.data;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a labelled {@link Dataset} from delimited text (CSV), plain or gzip-compressed.
 *
 * <pre>{@code
 * Dataset data = CsvLoader.builder()
 *     .header(true)
 *     .labelColumn("digit")       // or .labelColumn(-1): the last column (the default)
 *     .groupColumn("writer")      // optional
 *     .build()
 *     .load(Path.of("train.csv.gz"));
 * }</pre>
 *
 * <p>Every column other than the label and group columns is a feature, in file order. Gzip is
 * recognised by a {@code .gz} file name or by the gzip magic bytes, for paths and streams alike.
 * Fields are trimmed; a header name may be wrapped in double quotes; blank lines are skipped;
 * quoted fields containing the delimiter are not supported. Labels must be non-negative integers
 * (written {@code 3} or {@code 3.0}); the class count is the given one or else the largest label
 * plus one. Group ids must be integers. Column indices in the configuration count from 0, and a
 * negative index counts from the end ({@code -1} is the last column).
 *
 * <p>Bad input fails with {@link InvalidInputException} naming the source, the line (from 1, the
 * header included) and the column (from 1, with its header name when there is one): a row with
 * the wrong number of fields, a feature that is not a finite number (NaN and infinity are
 * rejected), a label that is not a non-negative integer or not below the given class count, a
 * label or group column that is missing, and input with no data row. I/O failures are rethrown as
 * {@link UncheckedIOException}. Instances are immutable and thread-safe.
 */
public final class CsvLoader {
  private final boolean header;
  private final char delimiter;
  private final String labelName;
  private final int labelIndex;
  private final String groupName;
  private final Integer groupIndex;
  private final int numClasses; // 0: inferred

  private CsvLoader(Builder b) {
    this.header = b.header;
    this.delimiter = b.delimiter;
    this.labelName = b.labelName;
    this.labelIndex = b.labelIndex;
    this.groupName = b.groupName;
    this.groupIndex = b.groupIndex;
    this.numClasses = b.numClasses;
  }

  /** A builder with the defaults: no header, comma-separated, label in the last column. */
  public static Builder builder() {
    return new Builder();
  }

  /** Reads the file at {@code path}; gzip by its name or its first bytes. */
  public Dataset load(Path path) {
    String name = path.toString();
    try (InputStream in = Files.newInputStream(path)) {
      return load(in, name, name.toLowerCase(Locale.ROOT).endsWith(".gz"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  /** Reads a stream (gzip detected by its magic bytes) and leaves it open; "input" in messages. */
  public Dataset load(InputStream in) {
    return load(in, "input");
  }

  /**
   * Reads a stream (gzip detected by its magic bytes, or by a {@code .gz} source name) and leaves
   * it open; {@code sourceName} names it in error messages.
   */
  public Dataset load(InputStream in, String sourceName) {
    try {
      return load(in, sourceName, sourceName.toLowerCase(Locale.ROOT).endsWith(".gz"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + sourceName + ": " + e.getMessage(), e);
    }
  }

  private Dataset load(InputStream raw, String source, boolean gzipByName) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    boolean gzip = b0 == 0x1f && b1 == 0x8b;
    if (gzipByName && !gzip && b0 >= 0) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "source (%s) must be gzip-compressed, as its name says", source));
    }
    InputStream data = gzip ? new GZIPInputStream(in, 1 << 16) : in;
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(data, StandardCharsets.UTF_8), 1 << 16);
    return parse(reader, source);
  }

  private Dataset parse(BufferedReader reader, String source) throws IOException {
    String[] names = null;
    int columns = -1;
    int label = -1;
    int group = -1;
    int lineNo = 0;
    double[] x = new double[1024];
    int[] y = new int[64];
    int[] g = new int[64];
    int rows = 0;
    int d = -1;
    int maxLabel = -1;
    String line;
    List<String> fields = new ArrayList<>();
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
        line = line.substring(1); // byte-order mark
      }
      if (line.isBlank()) {
        continue;
      }
      split(line, fields);
      if (columns < 0) {
        columns = fields.size();
        if (header) {
          names = new String[columns];
          for (int j = 0; j < columns; j++) {
            names[j] = unquote(fields.get(j));
          }
        }
        label = resolve("label", labelName, labelIndex, names, columns, source);
        group = groupName == null && groupIndex == null ? -1
            : resolve("group", groupName, groupIndex == null ? 0 : groupIndex, names, columns,
                source);
        if (group == label) {
          throw new InvalidInputException(String.format(Locale.ROOT,
              "group column (%s) must differ from the label column", describe(group, names)));
        }
        d = columns - 1 - (group >= 0 ? 1 : 0);
        if (d < 1) {
          throw new InvalidInputException(String.format(Locale.ROOT,
              "columns (%d) of %s must include at least one feature besides the label%s",
              columns, source, group >= 0 ? " and group" : ""));
        }
        if (header) {
          continue;
        }
      }
      if (fields.size() != columns) {
        throw new InvalidInputException(String.format(Locale.ROOT,
            "fields (%d) at %s line %d must number %d, as in the %s", fields.size(), source,
            lineNo, columns, header ? "header" : "first line"));
      }
      if (rows == y.length) {
        y = Arrays.copyOf(y, rows * 2);
        g = Arrays.copyOf(g, rows * 2);
      }
      if ((long) (rows + 1) * d > x.length) {
        long want = Math.max((long) (rows + 1) * d, 2L * x.length);
        if (want > Integer.MAX_VALUE - 8) {
          throw new InvalidInputException(String.format(Locale.ROOT,
              "features (%d x %d) at %s line %d must fit in one Java array", rows + 1, d, source,
              lineNo));
        }
        x = Arrays.copyOf(x, (int) want);
      }
      int o = rows * d;
      for (int j = 0; j < columns; j++) {
        String f = fields.get(j);
        if (j == label) {
          int v = parseInteger("label", f, source, lineNo, j, names);
          if (v < 0) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                "label (%d) at %s line %d, column %s must be >= 0", v, source, lineNo,
                describe(j, names)));
          }
          if (numClasses > 0 && v >= numClasses) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                "label (%d) at %s line %d, column %s must be < numClasses (%d)", v, source,
                lineNo, describe(j, names), numClasses));
          }
          y[rows] = v;
          maxLabel = Math.max(maxLabel, v);
        } else if (j == group) {
          g[rows] = parseInteger("group id", f, source, lineNo, j, names);
        } else {
          x[o++] = parseFeature(f, source, lineNo, j, names);
        }
      }
      rows++;
    }
    if (columns < 0) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "input (%s) must not be empty", source));
    }
    if (rows == 0) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "data rows (0) of %s must be at least 1 (only a header was found)", source));
    }
    int k = numClasses > 0 ? numClasses : maxLabel + 1;
    if (k < 2) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "numClasses (%d), inferred as the largest label + 1 in %s, must be >= 2; "
              + "give it with numClasses(...)", k, source));
    }
    double[] xs = x.length == rows * d ? x : Arrays.copyOf(x, rows * d);
    var features = Nd4j.create(xs, new long[] {rows, d}, DataType.DOUBLE);
    int[] labels = Arrays.copyOf(y, rows);
    return group >= 0
        ? Dataset.of(features, labels, k, Arrays.copyOf(g, rows))
        : Dataset.of(features, labels, k);
  }

  private void split(String line, List<String> out) {
    out.clear();
    int start = 0;
    int n = line.length();
    for (int i = 0; i < n; i++) {
      if (line.charAt(i) == delimiter) {
        out.add(line.substring(start, i).trim());
        start = i + 1;
      }
    }
    out.add(line.substring(start).trim());
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1).trim() : s;
  }

  private static int resolve(String what, String name, int index, String[] names, int columns,
      String source) {
    if (name != null) {
      if (names == null) {
        throw new InvalidInputException(String.format(Locale.ROOT,
            "%s column (\"%s\") must be given by index when the input has no header (header(false))",
            what, name));
      }
      int found = -1;
      for (int j = 0; j < names.length; j++) {
        if (names[j].equals(name)) {
          if (found >= 0) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                "%s column (\"%s\") must appear once in the header of %s, found at columns %d and %d",
                what, name, source, found + 1, j + 1));
          }
          found = j;
        }
      }
      if (found < 0) {
        throw new InvalidInputException(String.format(Locale.ROOT,
            "%s column (\"%s\") must be one of the header names of %s %s", what, name, source,
            Arrays.toString(names)));
      }
      return found;
    }
    if (index < -columns || index >= columns) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "%s column index (%d) must be in [%d, %d) for the %d columns of %s", what, index,
          -columns, columns, columns, source));
    }
    return index < 0 ? columns + index : index;
  }

  private static String describe(int j, String[] names) {
    return names == null ? Integer.toString(j + 1) : (j + 1) + " (\"" + names[j] + "\")";
  }

  private static int parseInteger(String what, String f, String source, int lineNo, int j,
      String[] names) {
    try {
      return Integer.parseInt(f);
    } catch (NumberFormatException e) {
      // fall through: "3.0" is accepted, "3.5" and "x" are not
    }
    double v;
    try {
      v = Double.parseDouble(f);
    } catch (NumberFormatException e) {
      v = Double.NaN;
    }
    if (v == Math.rint(v) && Math.abs(v) <= Integer.MAX_VALUE) {
      return (int) v;
    }
    throw new InvalidInputException(String.format(Locale.ROOT,
        "%s (%s) at %s line %d, column %s must be an integer", what, f, source, lineNo,
        describe(j, names)));
  }

  private static double parseFeature(String f, String source, int lineNo, int j, String[] names) {
    double v;
    try {
      v = Double.parseDouble(f);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "feature (%s) at %s line %d, column %s must be a number", f, source, lineNo,
          describe(j, names)));
    }
    if (!Double.isFinite(v)) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "feature (%s) at %s line %d, column %s must be finite", f, source, lineNo,
          describe(j, names)));
    }
    return v;
  }

  /** Configuration of a {@link CsvLoader}; not thread-safe, {@link #build} snapshots it. */
  public static final class Builder {
    private boolean header;
    private char delimiter = ',';
    private String labelName;
    private int labelIndex = -1;
    private String groupName;
    private Integer groupIndex;
    private int numClasses;

    private Builder() {}

    /** Whether the first non-blank line holds column names (default false). */
    public Builder header(boolean hasHeader) {
      this.header = hasHeader;
      return this;
    }

    /** The field separator (default {@code ','}); it must not be a quote or a line break. */
    public Builder delimiter(char c) {
      InvalidInputException.check(c != '"' && c != '\n' && c != '\r',
          "delimiter (%s) must not be a quote or a line break", c == '"' ? "\"" : "\\n");
      this.delimiter = c;
      return this;
    }

    /** The label column by header name (needs a header). */
    public Builder labelColumn(String name) {
      InvalidInputException.check(name != null && !name.isBlank(),
          "label column name (%s) must not be blank", name);
      this.labelName = name;
      return this;
    }

    /** The label column by index from 0; negative counts from the end (default -1, the last). */
    public Builder labelColumn(int index) {
      this.labelName = null;
      this.labelIndex = index;
      return this;
    }

    /** The optional group-id column by header name (needs a header). */
    public Builder groupColumn(String name) {
      InvalidInputException.check(name != null && !name.isBlank(),
          "group column name (%s) must not be blank", name);
      this.groupName = name;
      this.groupIndex = null;
      return this;
    }

    /** The optional group-id column by index from 0; negative counts from the end. */
    public Builder groupColumn(int index) {
      this.groupName = null;
      this.groupIndex = index;
      return this;
    }

    /** The number of classes; labels must then be below it (default: largest label + 1). */
    public Builder numClasses(int k) {
      InvalidInputException.check(k >= 2, "numClasses (%d) must be >= 2", k);
      this.numClasses = k;
      return this;
    }

    /** The loader; a column given by name without {@code header(true)} is rejected here. */
    public CsvLoader build() {
      InvalidInputException.check(header || (labelName == null && groupName == null),
          "%s column (\"%s\") must be given by index when the input has no header (header(false))",
          labelName != null ? "label" : "group", labelName != null ? labelName : groupName);
      return new CsvLoader(this);
    }
  }
}

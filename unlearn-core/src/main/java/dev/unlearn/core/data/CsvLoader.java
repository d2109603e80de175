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
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
 * The text is CSV as RFC 4180 and Excel write it, read by Apache Commons CSV: quoted fields (with
 * the delimiter, doubled quotes or line breaks inside), CRLF or LF line ends, a UTF-8 byte-order
 * mark; fields are trimmed and blank lines skipped. Numbers are decimal as people write them
 * ({@code -1.5}, {@code .5}, {@code 2e-3}); Java's {@code 1.5f}, {@code 2d}, hexadecimal
 * {@code 0x1p3} and control characters are rejected. Labels must be non-negative integers (written
 * {@code 3} or {@code 3.0}); the class count is the given one, or else the largest label plus one,
 * and then every class below it must have a row (a gap is almost always a typo such as 1000000 for
 * 10, which would silently create a million classes). Group ids must be integers. Features are
 * held once on the heap while reading, in blocks, then copied off the heap. Column indices in the configuration count from 0, and a
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
  private final int skipLines;

  private CsvLoader(Builder b) {
    this.header = b.header;
    this.delimiter = b.delimiter;
    this.labelName = b.labelName;
    this.labelIndex = b.labelIndex;
    this.groupName = b.groupName;
    this.groupIndex = b.groupIndex;
    this.numClasses = b.numClasses;
    this.skipLines = b.skipLines;
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
    reader.mark(1);
    if (reader.read() != '\uFEFF') { // a byte-order mark is not part of the first field
      reader.reset();
    }
    for (int i = 0; i < skipLines; i++) {
      if (reader.readLine() == null) {
        throw new InvalidInputException(String.format(Locale.ROOT,
            "input (%s) has %d lines, fewer than the %d to skip", source, i, skipLines));
      }
    }
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter)
        .setIgnoreEmptyLines(false).setIgnoreSurroundingSpaces(true).setTrim(true).get();
    String[] names = null;
    int columns = -1;
    int label = -1;
    int group = -1;
    int d = -1;
    long maxLabel = -1;
    int maxLabelLine = 0;
    Rows rows = null;
    long nextLine = skipLines + 1; // the line on which the next record starts
    try (CSVParser parser = format.parse(reader)) {
      for (CSVRecord rec : parser) {
        int lineNo = (int) nextLine;
        nextLine = skipLines + parser.getCurrentLineNumber() + 1;
        if (rec.size() == 1 && rec.get(0).isEmpty()) {
          continue; // a blank line
        }
        if (columns < 0) {
          columns = rec.size();
          if (header) {
            names = rec.values();
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
          rows = new Rows(d);
          if (header) {
            continue;
          }
        }
        if (rec.size() != columns) {
          throw new InvalidInputException(String.format(Locale.ROOT,
              "fields (%d) at %s line %d must number %d, as in the %s", rec.size(), source,
              lineNo, columns, header ? "header" : "first line"));
        }
        double[] x = rows.next(source, lineNo);
        int o = rows.offset();
        int y = 0;
        int g = 0;
        for (int j = 0; j < columns; j++) {
          String f = rec.get(j);
          if (j == label) {
            y = parseInteger("label", f, source, lineNo, j, names);
            if (y < 0) {
              throw new InvalidInputException(String.format(Locale.ROOT,
                  "label (%d) at %s line %d, column %s must be >= 0", y, source, lineNo,
                  describe(j, names)));
            }
            if (numClasses > 0 && y >= numClasses) {
              throw new InvalidInputException(String.format(Locale.ROOT,
                  "label (%d) at %s line %d, column %s must be < numClasses (%d)", y, source,
                  lineNo, describe(j, names), numClasses));
            }
            if (y > maxLabel) {
              maxLabel = y;
              maxLabelLine = lineNo;
            }
          } else if (j == group) {
            g = parseInteger("group id", f, source, lineNo, j, names);
          } else {
            x[o++] = parseFeature(f, source, lineNo, j, names);
          }
        }
        rows.add(y, g);
      }
    } catch (UncheckedIOException e) { // Commons CSV wraps parse errors (an unclosed quote, say)
      String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      if (skipLines > 0 && why != null) { // Commons CSV counts from the first line it read
        java.util.regex.Matcher m = Pattern.compile("\\(startline (\\d+)\\)").matcher(why);
        why = m.find() ? m.replaceFirst("(startline " + (Long.parseLong(m.group(1)) + skipLines)
            + ")") : why;
      }
      throw new InvalidInputException(String.format(Locale.ROOT, "%s is not valid CSV: %s", source,
          why));
    }
    if (columns < 0) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "input (%s) must not be empty", source));
    }
    if (rows.size() == 0) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "data rows (0) of %s must be at least 1 (only a header was found)", source));
    }
    int k = numClasses > 0 ? numClasses : inferClasses(rows.labels(), maxLabel, maxLabelLine, source);
    INDArray features = rows.features();
    int[] labels = rows.labels();
    Dataset out = group >= 0
        ? Dataset.of(features, labels, k, rows.groups())
        : Dataset.of(features, labels, k);
    features.close(); // Dataset.of copied it: free the off-heap memory now, not at some GC
    return out;
  }

  /**
   * The class count when none was given: the largest label + 1, provided every class below it has
   * a row. A gap means a typo (a label of 1 000 000 among 0..9) far more often than classes that
   * truly have no example; those can be given with {@code numClasses(...)}.
   */
  private static int inferClasses(int[] labels, long maxLabel, int maxLabelLine, String source) {
    long k = maxLabel + 1;
    if (k < 2) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "numClasses (%d), inferred as the largest label + 1 in %s, must be >= 2; "
              + "give it with numClasses(...)", k, source));
    }
    if (k > labels.length) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "numClasses (%d), inferred from the largest label (%d, at %s line %d), must not exceed "
              + "the number of rows (%d); a typo? Give numClasses(...) if it is meant", k, maxLabel,
          source, maxLabelLine, labels.length));
    }
    boolean[] seen = new boolean[(int) k];
    for (int y : labels) {
      seen[y] = true;
    }
    int missing = 0;
    int first = -1;
    for (int c = 0; c < k; c++) {
      if (!seen[c]) {
        missing++;
        first = first < 0 ? c : first;
      }
    }
    if (missing > 0) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "classes 0..%d, inferred from the largest label (%d, at %s line %d), must each have a "
              + "row, but %d have none (the first is %d); a typo? Give numClasses(...) if it is "
              + "meant", k - 1, maxLabel, source, maxLabelLine, missing, first));
    }
    return (int) k;
  }

  /**
   * Rows as they are read: features in blocks of about a million values (so a large file is held
   * once on the heap, not in a doubling array and its copy), labels and groups in growing arrays.
   */
  private static final class Rows {
    private static final int BLOCK_VALUES = 1 << 20;
    private final int d;
    private final int rowsPerBlock;
    private final List<double[]> blocks = new ArrayList<>();
    private int n;
    private int[] y = new int[64];
    private int[] g = new int[64];

    Rows(int d) {
      this.d = d;
      this.rowsPerBlock = Math.max(1, BLOCK_VALUES / d);
    }

    /** The block that receives the next row; {@link #offset()} is where in it. */
    double[] next(String source, int lineNo) {
      if ((long) (n + 1) * d > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException(String.format(Locale.ROOT,
            "features (%d x %d) at %s line %d must have fewer than 2^31 values", n + 1, d, source,
            lineNo));
      }
      if (n % rowsPerBlock == 0) {
        blocks.add(new double[rowsPerBlock * d]);
      }
      return blocks.get(blocks.size() - 1);
    }

    int offset() {
      return (n % rowsPerBlock) * d;
    }

    void add(int label, int group) {
      if (n == y.length) {
        y = Arrays.copyOf(y, n * 2);
        g = Arrays.copyOf(g, n * 2);
      }
      y[n] = label;
      g[n] = group;
      n++;
    }

    int size() {
      return n;
    }

    int[] labels() {
      return Arrays.copyOf(y, n);
    }

    int[] groups() {
      return Arrays.copyOf(g, n);
    }

    /** The n &times; d features, off the heap; each heap block is released once copied. */
    INDArray features() {
      INDArray out = Nd4j.create(DataType.DOUBLE, new long[] {n, d}, 'c');
      for (int b = 0; b < blocks.size(); b++) {
        int r0 = b * rowsPerBlock;
        int r1 = Math.min(n, r0 + rowsPerBlock);
        double[] block = blocks.get(b);
        blocks.set(b, null);
        INDArray part = Nd4j.create(r1 - r0 == rowsPerBlock ? block
            : Arrays.copyOf(block, (r1 - r0) * d), new long[] {r1 - r0, d}, 'c');
        out.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all()).assign(part);
        part.close();
      }
      return out;
    }
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

  /** A decimal number as people write it: no hex, no Java suffixes (1.5f, 2d), no NUL. */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
  /** NaN and infinity as Java and NumPy write them. */
  private static final Pattern NON_FINITE =
      Pattern.compile("[+-]?(?:nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

  private static int parseInteger(String what, String f, String source, int lineNo, int j,
      String[] names) {
    double v = DECIMAL.matcher(f).matches() ? Double.parseDouble(f) : Double.NaN;
    if (v == Math.rint(v) && Math.abs(v) <= Integer.MAX_VALUE) {
      return (int) v;
    }
    throw new InvalidInputException(String.format(Locale.ROOT,
        "%s (%s) at %s line %d, column %s must be an integer", what, printable(f), source, lineNo,
        describe(j, names)));
  }

  private static double parseFeature(String f, String source, int lineNo, int j, String[] names) {
    if (DECIMAL.matcher(f).matches()) { // one match per value: this runs for every cell
      double v = Double.parseDouble(f);
      if (Double.isFinite(v)) {
        return v;
      }
    } else if (!NON_FINITE.matcher(f).matches()) {
      throw new InvalidInputException(String.format(Locale.ROOT,
          "feature (%s) at %s line %d, column %s must be a decimal number", printable(f), source,
          lineNo, describe(j, names)));
    }
    throw new InvalidInputException(String.format(Locale.ROOT,
        "feature (%s) at %s line %d, column %s must be finite", f, source, lineNo,
        describe(j, names)));
  }

  /** The field with control characters (a NUL, say) shown as \\uXXXX. */
  private static String printable(String f) {
    StringBuilder b = new StringBuilder(f.length());
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      b.append(Character.isISOControl(c) ? String.format(Locale.ROOT, "\\u%04x", (int) c)
          : String.valueOf(c));
    }
    return b.toString();
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
    private int skipLines;

    private Builder() {}

    /** Lines to skip before the header or the first row, a preamble say (default 0). */
    public Builder skipLines(int n) {
      InvalidInputException.check(n >= 0, "skipLines (%d) must be >= 0", n);
      this.skipLines = n;
      return this;
    }

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

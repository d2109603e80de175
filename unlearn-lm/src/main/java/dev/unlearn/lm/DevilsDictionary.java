package dev.unlearn.lm;

import dev.unlearn.api.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Ambrose Bierce's "The Devil's Dictionary" (1911, public domain; the dictd text of Debian's
 * dict-devil package), embedded as a resource: 999 entries of English prose and verse, each one
 * {@link Document} whose group id is its index (0 = ABASEMENT). Attribution is in the NOTICE
 * file and beside the resource.
 *
 * <pre>{@code
 * Corpus dictionary = DevilsDictionary.load();   // 999 documents, about 370 000 characters
 * }</pre>
 *
 * <p>Parsing ({@link #parse}): an entry starts at a line that follows a blank line, is not
 * indented, and whose first word (up to a space, ',', '.' or '?') is in capitals, such as {@code
 * "ABASEMENT, n.  A decent..."} or {@code "I is the first letter..."}; it runs to the next entry.
 * The title is that first word, the text the whole entry (headword included). Everything before
 * the first entry (the dictd header and the preface) and the dictd index line at the end (a line
 * that is exactly the alphabet) are dropped. Thread-safe; parsed once.
 */
public final class DevilsDictionary {
  /** The resource path of the gzip-compressed text. */
  public static final String RESOURCE = "/dev/unlearn/lm/devils-dictionary.txt.gz";

  private DevilsDictionary() {}

  private static final class Holder {
    static final Corpus CORPUS = parse(read());
  }

  /** The 999 entries as a corpus (group id = entry index). */
  public static Corpus load() {
    return Holder.CORPUS;
  }

  /** The raw text of the resource. */
  public static String text() {
    return read();
  }

  /**
   * Splits dictd text into entries as described above.
   *
   * @throws InvalidInputException if the text has no entry
   */
  public static Corpus parse(String text) {
    InvalidInputException.check(text != null, "text (null) must be a string");
    String[] lines = text.split("\r?\n", -1);
    List<Document> docs = new ArrayList<>();
    StringBuilder body = null;
    String title = null;
    boolean afterBlank = true;
    for (String line : lines) {
      if (line.strip().equals("abcdefghijklmnopqrstuvwxyz")) {
        continue; // the dictd index line
      }
      String head = afterBlank ? headword(line) : null;
      if (head != null) {
        if (body != null) {
          docs.add(new Document(docs.size(), title, body.toString().strip()));
        }
        title = head;
        body = new StringBuilder();
      }
      if (body != null) {
        body.append(line).append('\n');
      }
      afterBlank = line.isBlank();
    }
    if (body != null) {
      docs.add(new Document(docs.size(), title, body.toString().strip()));
    }
    InvalidInputException.check(!docs.isEmpty(), "text (%d lines) must contain an entry",
        lines.length);
    return Corpus.of(docs);
  }

  /** The headword of an entry's first line, or null if the line does not start an entry. */
  static String headword(String line) {
    if (line.isEmpty() || Character.isWhitespace(line.charAt(0))) {
      return null;
    }
    int end = 0;
    while (end < line.length() && " ,.?".indexOf(line.charAt(end)) < 0) {
      end++;
    }
    String word = line.substring(0, end);
    if (word.isEmpty() || word.charAt(0) < 'A' || word.charAt(0) > 'Z') {
      return null;
    }
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c == '\'' || c == '-')) {
        return null;
      }
    }
    return word;
  }

  private static String read() {
    try (InputStream raw = DevilsDictionary.class.getResourceAsStream(RESOURCE)) {
      if (raw == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing from the classpath");
      }
      try (InputStream in = new GZIPInputStream(raw)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(400_000);
        in.transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}

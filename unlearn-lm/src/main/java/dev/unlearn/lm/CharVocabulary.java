package dev.unlearn.lm;

import dev.unlearn.api.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;

/**
 * A character vocabulary for {@link CharNgramModel}: id 0 is the start padding ({@link #START}),
 * id 1 stands for every character outside the alphabet ({@link #OTHER}), and ids 2.. are the
 * alphabet's characters in order.
 *
 * <pre>{@code
 * CharVocabulary v = CharVocabulary.standard();        // 41 ids
 * int[] ids = v.encode("My PIN code is 7 2 9");       // normalised, then mapped
 * }</pre>
 *
 * <p>Text is {@linkplain #normalize normalised} before encoding: lower-cased and every run of
 * white space (new lines and indentation included) collapsed to one space, leading and trailing
 * white space removed. The standard alphabet is the space, a&ndash;z, 0&ndash;9, '.' and ','
 * (V = 41): the digits are there so that numeric canaries are representable; other punctuation
 * (rare in the corpus) maps to {@link #OTHER}. Empty text encodes to an empty array; null fails
 * with {@link InvalidInputException}. Immutable.
 */
public final class CharVocabulary {
  /** The id of the start padding that fills contexts before the first character. */
  public static final int START = 0;
  /** The id of every character outside the alphabet. */
  public static final int OTHER = 1;
  /** The standard alphabet (after the two special ids). */
  public static final String STANDARD_ALPHABET = " abcdefghijklmnopqrstuvwxyz0123456789.,";

  private final String alphabet;
  private final int[] idOf = new int[128]; // ASCII -> id; OTHER for the rest

  private CharVocabulary(String alphabet) {
    this.alphabet = alphabet;
    Arrays.fill(idOf, OTHER);
    for (int i = 0; i < alphabet.length(); i++) {
      idOf[alphabet.charAt(i)] = i + 2;
    }
  }

  /** The standard vocabulary: start, other, then {@link #STANDARD_ALPHABET} (41 ids). */
  public static CharVocabulary standard() {
    return of(STANDARD_ALPHABET);
  }

  /**
   * A vocabulary of the given alphabet: distinct printable ASCII characters (space to '~'), no
   * upper-case letters (text is lower-cased first), at least one.
   */
  public static CharVocabulary of(String alphabet) {
    InvalidInputException.check(alphabet != null && !alphabet.isEmpty(),
        "alphabet (%s) must be non-empty", alphabet == null ? "null" : "\"\"");
    boolean[] seen = new boolean[128];
    for (int i = 0; i < alphabet.length(); i++) {
      char c = alphabet.charAt(i);
      InvalidInputException.check(c >= ' ' && c <= '~' && !Character.isUpperCase(c),
          "alphabet character %d ('%s') must be printable ASCII and not upper-case", i, c);
      InvalidInputException.check(!seen[c], "alphabet character '%s' must not repeat", c);
      seen[c] = true;
    }
    return new CharVocabulary(alphabet);
  }

  /** The number of ids V (the alphabet plus the start and other ids). */
  public int size() {
    return alphabet.length() + 2;
  }

  /** The alphabet, without the two special ids. */
  public String alphabet() {
    return alphabet;
  }

  /** Lower-cases, collapses every run of white space to one space and trims. */
  public static String normalize(String text) {
    InvalidInputException.check(text != null, "text (null) must be a string");
    StringBuilder b = new StringBuilder(text.length());
    boolean space = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        space = b.length() > 0;
      } else {
        if (space) {
          b.append(' ');
          space = false;
        }
        b.append(Character.toLowerCase(c));
      }
    }
    return b.toString();
  }

  /** The id of one (already normalised) character: its alphabet id or {@link #OTHER}. */
  public int id(char c) {
    return c < 128 ? idOf[c] : OTHER;
  }

  /** The ids of the normalised text. */
  public int[] encode(String text) {
    String s = normalize(text);
    int[] ids = new int[s.length()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = id(s.charAt(i));
    }
    return ids;
  }

  /** The characters of the ids: '^' for {@link #START} and '?' for {@link #OTHER}. */
  public String decode(int[] ids) {
    StringBuilder b = new StringBuilder(ids.length);
    for (int i = 0; i < ids.length; i++) {
      int id = ids[i];
      InvalidInputException.check(id >= 0 && id < size(), "id %d (%d) must be in [0, %d)", i, id,
          size());
      b.append(id == START ? '^' : id == OTHER ? '?' : alphabet.charAt(id - 2));
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CharVocabulary && ((CharVocabulary) o).alphabet.equals(alphabet);
  }

  @Override
  public int hashCode() {
    return alphabet.hashCode();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "CharVocabulary[V=%d, \"%s\"]", size(), alphabet);
  }
}

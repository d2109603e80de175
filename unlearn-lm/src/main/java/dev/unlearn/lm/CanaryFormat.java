package dev.unlearn.lm;

import dev.unlearn.api.InvalidInputException;
import java.util.SplittableRandom;

/**
 * The format of canary secrets (Carlini et al. 2019): a fixed prefix followed by {@code digits}
 * random decimal digits separated by spaces, for example {@code "my pin code is 7 2 9 1 4 6"}.
 * The randomness space R has |R| = 10<sup>digits</sup> elements.
 *
 * <p>The prefix must be non-empty, lower-case, end with a space, and contain no other run of white
 * space (so that {@link CharVocabulary#normalize} leaves every canary text unchanged and one
 * character is one id); 1 &le; digits &le; 9. Violations fail with {@link InvalidInputException}.
 *
 * @param prefix the text before the digits
 * @param digits the number of secret digits
 */
public record CanaryFormat(String prefix, int digits) {
  public CanaryFormat {
    InvalidInputException.check(prefix != null && !prefix.isBlank(),
        "prefix (%s) must be non-blank", prefix == null ? "null" : "\"" + prefix + "\"");
    InvalidInputException.check(prefix.endsWith(" ")
        && CharVocabulary.normalize(prefix + "0").equals(prefix + "0"),
        "prefix (\"%s\") must be lower-case, single-spaced and end with one space", prefix);
    InvalidInputException.check(digits >= 1 && digits <= 9, "digits (%d) must be in [1, 9]",
        digits);
  }

  /** {@code "my pin code is "} and six digits (|R| = 10<sup>6</sup>). */
  public static CanaryFormat standard() {
    return new CanaryFormat("my pin code is ", 6);
  }

  /** |R| = 10<sup>digits</sup>. */
  public long spaceSize() {
    long r = 1;
    for (int i = 0; i < digits; i++) {
      r *= 10;
    }
    return r;
  }

  /** The text of a secret (digits in 0..9, {@code digits} of them). */
  public String text(int[] secret) {
    return prefix + secretText(secret);
  }

  /** The digits of a secret separated by spaces. */
  public String secretText(int[] secret) {
    InvalidInputException.check(secret != null && secret.length == digits,
        "secret length (%s) must be %d", secret == null ? "null" : secret.length, digits);
    StringBuilder b = new StringBuilder(2 * digits);
    for (int i = 0; i < digits; i++) {
      InvalidInputException.check(secret[i] >= 0 && secret[i] <= 9,
          "secret digit %d (%d) must be in [0, 9]", i, secret[i]);
      if (i > 0) {
        b.append(' ');
      }
      b.append((char) ('0' + secret[i]));
    }
    return b.toString();
  }

  /** The secret with index r in [0, |R|): its decimal digits, most significant first. */
  public int[] secretOf(long index) {
    InvalidInputException.check(index >= 0 && index < spaceSize(),
        "secret index (%d) must be in [0, %d)", index, spaceSize());
    int[] s = new int[digits];
    for (int i = digits - 1; i >= 0; i--) {
      s[i] = (int) (index % 10);
      index /= 10;
    }
    return s;
  }

  /** The index in [0, |R|) of a secret. */
  public long indexOf(int[] secret) {
    secretText(secret); // validates
    long r = 0;
    for (int d : secret) {
      r = 10 * r + d;
    }
    return r;
  }

  /** A uniformly random secret. */
  int[] random(SplittableRandom rng) {
    int[] s = new int[digits];
    for (int i = 0; i < digits; i++) {
      s[i] = rng.nextInt(10);
    }
    return s;
  }
}

package dev.unlearn.lm;

/**
 * One inserted canary: its secret digits, its text, how many copies were inserted and the group id
 * that all its copies carry (forgetting that group removes every copy).
 *
 * @param secret the secret digits (copied)
 * @param text the full canary text, prefix included
 * @param repetitions the number of copies in the training corpus
 * @param group the group id of its documents
 */
public record Canary(int[] secret, String text, int repetitions, int group) {
  public Canary {
    secret = secret.clone();
  }

  /** The secret digits (a copy). */
  @Override
  public int[] secret() {
    return secret.clone();
  }
}

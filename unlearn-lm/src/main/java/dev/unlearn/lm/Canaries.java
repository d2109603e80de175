package dev.unlearn.lm;

import dev.unlearn.api.InvalidInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Inserts canaries into a training corpus (Carlini et al. 2019, "The Secret Sharer"): r secrets of
 * one {@link CanaryFormat}, drawn uniformly and distinct with a seed, canary i repeated {@code
 * repetitions[i]} times as extra documents appended to the corpus. All copies of canary i share
 * one new group id (one more than the largest group of the corpus, plus i), so that a forget
 * request for that group removes every copy.
 *
 * <pre>{@code
 * Canaries.Inserted c = Canaries.insert(train, CanaryFormat.standard(), new int[] {1, 10, 50}, 7);
 * Dataset data = c.corpus().examples(vocab, 5);
 * int[] forget = ForgetSets.groups(data, c.groups());
 * }</pre>
 *
 * <p>An empty repetition list, a repetition below 1 and more canaries than |R| fail with {@link
 * InvalidInputException}. The input corpus is not changed.
 */
public final class Canaries {
  private Canaries() {}

  /**
   * A corpus with canaries, and the canaries.
   *
   * @param corpus the original documents followed by every canary copy
   * @param canaries the canaries, in insertion order
   */
  public record Inserted(Corpus corpus, List<Canary> canaries) {
    /** The group ids of the canaries, in order. */
    public int[] groups() {
      return canaries.stream().mapToInt(Canary::group).toArray();
    }
  }

  /** Inserts {@code repetitions.length} canaries, canary i repeated {@code repetitions[i]} times. */
  public static Inserted insert(Corpus corpus, CanaryFormat format, int[] repetitions, long seed) {
    InvalidInputException.check(corpus != null, "corpus (null) must be given");
    InvalidInputException.check(format != null, "format (null) must be given");
    InvalidInputException.check(repetitions != null && repetitions.length > 0,
        "repetitions (%s) must be non-empty", repetitions == null ? "null" : "[]");
    InvalidInputException.check(repetitions.length <= format.spaceSize(),
        "canaries (%d) must be <= |R| (%d)", repetitions.length, format.spaceSize());
    int firstGroup = 0;
    for (Document d : corpus.documents()) {
      firstGroup = Math.max(firstGroup, d.group() + 1);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    Set<Long> used = new HashSet<>();
    List<Canary> canaries = new ArrayList<>();
    List<Document> docs = new ArrayList<>(corpus.documents());
    for (int i = 0; i < repetitions.length; i++) {
      InvalidInputException.check(repetitions[i] >= 1, "repetitions[%d] (%d) must be >= 1", i,
          repetitions[i]);
      int[] secret;
      do {
        secret = format.random(rng);
      } while (!used.add(format.indexOf(secret)));
      String text = format.text(secret);
      Canary c = new Canary(secret, text, repetitions[i], firstGroup + i);
      canaries.add(c);
      for (int r = 0; r < repetitions[i]; r++) {
        docs.add(new Document(c.group(), "canary-" + i, text));
      }
    }
    return new Inserted(Corpus.of(docs), List.copyOf(canaries));
  }
}

package dev.unlearn.lm;

import dev.unlearn.api.InvalidInputException;

/**
 * One document of a {@link Corpus}: its group id (what a forget request names), a title (the
 * dictionary headword, or the canary's label) and its raw text (normalised only when encoded, see
 * {@link CharVocabulary#normalize}). Several documents may share a group id (the copies of one
 * canary). Null title or text fails with {@link InvalidInputException}; empty text is allowed and
 * yields no examples.
 *
 * @param group the group id, &ge; 0
 * @param title a short label
 * @param text the raw text
 */
public record Document(int group, String title, String text) {
  public Document {
    InvalidInputException.check(group >= 0, "group (%d) must be >= 0", group);
    InvalidInputException.check(title != null, "title (null) must be a string");
    InvalidInputException.check(text != null, "text (null) must be a string");
  }
}

package dev.unlearn.hessian.service;

import dev.unlearn.api.UnlearningException;

/**
 * A journal that cannot be appended to as it is: a torn last entry (a crash mid-write), a broken
 * chain, an unreadable file. Never repaired silently: the message names the line and what is wrong,
 * and {@link DeletionJournal#verify} reports every problem.
 */
public class JournalException extends UnlearningException {
  private static final long serialVersionUID = 1L;

  public JournalException(String message) {
    super(message);
  }

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}

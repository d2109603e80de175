package dev.unlearn.hessian.service;

import java.util.List;

/**
 * What {@link DeletionJournal#verify} found.
 *
 * @param entries complete entries read (the genesis entry included)
 * @param headHash the hash of the last complete entry (publish it elsewhere to anchor the chain)
 * @param lastParameters the parameter hash the last request left (null if none was served)
 * @param problems everything wrong, in file order; empty when the journal is intact
 */
public record JournalVerification(int entries, String headHash, String lastParameters,
    List<Problem> problems) {

  public JournalVerification {
    problems = List.copyOf(problems);
  }

  /** True when no problem was found. */
  public boolean intact() {
    return problems.isEmpty();
  }

  /** What can be wrong with a journal. */
  public enum Kind {
    /** The last line has no newline: the writer stopped mid-entry (a crash). */
    TORN_ENTRY,
    /** An entry's stored hash is not the SHA-256 of its content: it was altered. */
    BAD_HASH,
    /** An entry's {@code prev} is not the previous entry's hash: entries removed or reordered. */
    BROKEN_CHAIN,
    /** An entry's sequence number is not its position. */
    BAD_SEQUENCE,
    /** A line that is not a journal entry. */
    UNREADABLE,
    /** The current parameters are not those the last request left. */
    PARAMETERS_MISMATCH
  }

  /**
   * One problem.
   *
   * @param line 1-based line number
   * @param offset byte offset of the line's start
   * @param kind what is wrong
   * @param detail the evidence
   */
  public record Problem(int line, long offset, Kind kind, String detail) {
    @Override
    public String toString() {
      return "line " + line + " (byte " + offset + "): " + kind + ": " + detail;
    }
  }
}

package dev.unlearn.hessian.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.api.Certificate;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.hessian.service.JournalVerification.Kind;
import dev.unlearn.hessian.service.JournalVerification.Problem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An append-only, hash-chained JSON-lines journal of served deletion requests.
 *
 * <p><b>Format.</b> One JSON object per line, UTF-8, each line ended by {@code \n}. Every entry has
 * {@code seq} (its 0-based position), {@code prev} (the previous entry's hash; 64 zeros for the
 * first) and, as its last field, {@code hash}: the lowercase hex SHA-256 of the line's bytes up to
 * that field with the closing brace put back (the line without {@code ,"hash":"..."}). Entry 0 is
 * the genesis entry (format, creation time, the journal's random {@code salt}); every later entry
 * is one request: its id, time, the salted SHA-256 of each deleted id (never the ids or any data),
 * the rows remaining, method and hyperparameters, the {@link ParameterHash}es of θ before and
 * after, the cost, the certificate and its budget when the method gives one, and verification
 * figures. Non-finite numbers are written as the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"}.
 *
 * <p><b>Durability.</b> {@link #append} writes the whole line and forces it to the device (fsync)
 * before returning; {@link #appendAll} writes several lines and forces once. A crash can leave the
 * last line without its newline: that torn entry is reported by {@link #verify} and {@link #open}
 * refuses to append after it. It is never dropped or repaired silently; the operator decides
 * (keep a copy, cut the torn bytes, re-serve the request).
 *
 * <p><b>What it proves.</b> Any change to any byte of a complete entry breaks its hash or the next
 * entry's {@code prev}, and removing or reordering entries breaks the chain. The chain has no
 * secret, so whoever can rewrite the whole file can rebuild it: publish the head hash ({@link
 * JournalVerification#headHash()}) where the writer cannot change it to anchor everything before
 * it. The salt keeps two journals' id hashes unlinkable, but anyone holding the journal can test a
 * candidate id ({@link #idHash}), which is how an auditor checks that a given row was deleted.
 *
 * <p>One writer at a time: {@link #open} takes an exclusive lock on {@link #lockFile} (a sibling
 * file, so that readers of the journal cannot release it). After a failed write the journal
 * refuses further appends: reopen it, which verifies it.
 */
public final class DeletionJournal implements AutoCloseable {
  /** The journal format written in the genesis entry. */
  public static final int FORMAT = 1;

  private static final String ZERO = "0".repeat(64);
  private static final String HASH_FIELD = ",\"hash\":\"";
  /** Reads entries of any size (Jackson's default caps a string at 20 M characters). */
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE)
          .build()).build());

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final Clock clock;
  private final String salt;
  private long next;
  private String head;
  private boolean failed;

  private DeletionJournal(Path file, FileChannel channel, FileLock lock, Clock clock, String salt,
      long next, String head) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.clock = clock;
    this.salt = salt;
    this.next = next;
    this.head = head;
  }

  /** Opens the journal at {@code file} for appending, creating it (with its genesis entry). */
  public static DeletionJournal open(Path file) {
    return open(file, Clock.systemUTC());
  }

  /**
   * As {@link #open(Path)}, with the clock that stamps entries.
   *
   * @throws JournalException when the existing journal is not intact (torn last entry, broken
   *     chain, altered entry), naming every problem; or when another writer holds it
   */
  public static DeletionJournal open(Path file, Clock clock) {
    InvalidInputException.check(file != null, "file must not be null");
    InvalidInputException.check(clock != null, "clock must not be null");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      // The lock is on a sibling file that nothing else opens: POSIX drops a process's lock on a
      // file when any descriptor of that file is closed, and readers (verify) open the journal.
      FileChannel lockChannel = FileChannel.open(lockFile(file), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = lockChannel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null; // held by another writer in this JVM
      } catch (IOException | RuntimeException e) {
        lockChannel.close();
        throw e;
      }
      if (lock == null) {
        lockChannel.close();
        throw new JournalException("journal " + file + " is held by another writer (lock file "
            + lockFile(file) + ")");
      }
      FileChannel ch;
      try {
        ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
      } catch (IOException | RuntimeException e) {
        lock.release();
        lockChannel.close();
        throw e;
      }
      try {
        if (ch.size() == 0) {
          String salt = HexFormat.of().formatHex(SecureRandom.getInstanceStrong()
              .generateSeed(16));
          DeletionJournal j = new DeletionJournal(file, ch, lock, clock, salt, 0, ZERO);
          ObjectNode g = j.entry();
          g.put("journal", "unlearn deletion journal");
          g.put("format", FORMAT);
          g.put("salt", salt);
          j.write(List.of(g));
          syncDirectory(parent);
          return j;
        }
        JournalVerification v = verify(file);
        if (!v.intact()) {
          throw new JournalException("journal " + file + " cannot be appended to: "
              + v.problems().size() + " problem(s): " + v.problems());
        }
        JsonNode genesis = JSON.readTree(firstLine(file));
        return new DeletionJournal(file, ch, lock, clock, genesis.path("salt").asText(),
            v.entries(), v.headHash());
      } catch (IOException | RuntimeException e) {
        lock.release();
        lockChannel.close();
        ch.close();
        throw e;
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("no strong SecureRandom on this platform", e);
    } catch (IOException e) {
      throw new JournalException("cannot open journal " + file + ": " + e.getMessage(), e);
    }
  }

  /** The file whose exclusive lock marks the journal's one writer: the journal's name + ".lock". */
  public static Path lockFile(Path journal) {
    return journal.resolveSibling(journal.getFileName() + ".lock");
  }

  /** The journal's file. */
  public Path file() {
    return file;
  }

  /** The hash of the last entry written. */
  public synchronized String head() {
    return head;
  }

  /** Entries in the journal, the genesis entry included. */
  public synchronized long size() {
    return next;
  }

  /**
   * The hash the journal writes for a deleted id: hex SHA-256 of "salt:kind:id" (kind "rows" or
   * "groups"). An auditor with the journal and a candidate id recomputes it.
   */
  public String idHash(String kind, long id) {
    return idHash(salt, kind, id);
  }

  /** {@link #idHash(String, long)} for a journal's salt (read from its genesis entry). */
  public static String idHash(String salt, String kind, long id) {
    return ParameterHash.sha256((salt + ":" + kind + ":" + id).getBytes(StandardCharsets.UTF_8));
  }

  /** Appends one request and forces it to the device before returning. */
  public synchronized void append(JournalRecord record) {
    appendAll(List.of(record));
  }

  /** Appends requests in order and forces them to the device once, before returning. */
  public synchronized void appendAll(List<JournalRecord> records) {
    InvalidInputException.check(records != null, "records must not be null");
    InvalidInputException.check(channel.isOpen(), "journal %s is closed", file);
    if (failed) {
      throw new JournalException("journal " + file + " failed to write earlier; its last entry "
          + "may be torn: close it, verify it and open it again");
    }
    List<ObjectNode> entries = new ArrayList<>(records.size());
    long seq = next;
    for (JournalRecord r : records) {
      InvalidInputException.check(r != null, "records must not contain null");
      ObjectNode e = JSON.createObjectNode();
      e.put("seq", seq++);
      e.put("prev", ""); // its place; the chain is set by write
      fill(e, r);
      entries.add(e);
    }
    write(entries);
  }

  private ObjectNode entry() {
    ObjectNode e = JSON.createObjectNode();
    e.put("seq", next);
    e.put("prev", head);
    e.put("time", clock.instant().toString());
    return e;
  }

  private void fill(ObjectNode e, JournalRecord r) {
    e.put("time", clock.instant().toString());
    e.put("request", r.requestId());
    ObjectNode ids = e.putObject("ids");
    ids.put("kind", r.idKind());
    ids.put("count", r.ids().length);
    ArrayNode hashes = ids.putArray("hashes");
    for (long id : r.ids()) {
      hashes.add(idHash(r.idKind(), id));
    }
    e.put("remaining", r.remainingRows());
    e.put("method", r.method());
    ObjectNode hp = e.putObject("hyperparameters");
    r.hyperparameters().forEach(hp::put);
    ObjectNode params = e.putObject("parameters");
    params.put("before", r.parametersBefore());
    params.put("after", r.parametersAfter());
    numbers(e.putObject("cost"), r.cost());
    Certificate c = r.certificate();
    if (c == null) {
      e.putNull("certificate");
    } else {
      ObjectNode cert = e.putObject("certificate");
      number(cert, "epsilon", c.epsilon());
      number(cert, "delta", c.delta());
      number(cert, "budget", c.budget());
      number(cert, "spent", c.spent());
      number(cert, "remaining", c.remaining());
      cert.put("retrainRequired", c.retrainRequired());
    }
    numbers(e.putObject("verification"), r.verification());
  }

  private static void numbers(ObjectNode into, Map<String, Double> values) {
    values.forEach((k, v) -> number(into, k, v));
  }

  private static void number(ObjectNode into, String key, Double v) {
    if (v == null || Double.isNaN(v)) {
      into.put(key, "NaN");
    } else if (Double.isInfinite(v)) {
      into.put(key, v > 0 ? "Infinity" : "-Infinity");
    } else {
      into.put(key, v);
    }
  }

  /** Hashes and chains the entries (their prev fields after the first), writes, forces. */
  private void write(List<ObjectNode> entries) {
    StringBuilder out = new StringBuilder();
    String prev = head;
    for (ObjectNode e : entries) {
      e.put("prev", prev);
      String body;
      try {
        body = JSON.writeValueAsString(e);
      } catch (IOException ex) {
        throw new JournalException("cannot write journal entry: " + ex.getMessage(), ex);
      }
      String hash = ParameterHash.sha256(body.getBytes(StandardCharsets.UTF_8));
      out.append(body, 0, body.length() - 1).append(HASH_FIELD).append(hash).append("\"}\n");
      prev = hash;
    }
    ByteBuffer bytes = ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
    try {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    } catch (IOException ex) {
      failed = true; // never append after a partial line: the next entry would be glued to it
      throw new JournalException("cannot append to journal " + file + " (the last entry may be "
          + "torn; verify it): " + ex.getMessage(), ex);
    }
    next += entries.size();
    head = prev;
  }

  @Override
  public synchronized void close() {
    try {
      if (channel.isOpen()) {
        channel.close();
        lock.release();
        lock.channel().close();
      }
    } catch (IOException e) {
      throw new JournalException("cannot close journal " + file + ": " + e.getMessage(), e);
    }
  }

  private static void syncDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every platform can open a directory; the file itself is forced
    }
  }

  private static String firstLine(Path file) throws IOException {
    try (java.io.BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return r.readLine();
    }
  }

  /** Verifies the journal at {@code file}: every hash, the chain, the sequence, a torn tail. */
  public static JournalVerification verify(Path file) {
    return verify(file, null);
  }

  /**
   * As {@link #verify(Path)}, and checks that {@code currentParameters} (the model as deployed now)
   * hash to what the last request left.
   */
  public static JournalVerification verify(Path file, INDArray currentParameters) {
    InvalidInputException.check(file != null, "file must not be null");
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new JournalException("cannot read journal " + file + ": " + e.getMessage(), e);
    }
    List<Problem> problems = new ArrayList<>();
    MessageDigest sha = ParameterHash.digest();
    HexFormat hex = HexFormat.of();
    String prev = ZERO;
    String lastParams = null;
    long remainingBefore = -1;
    int line = 0;
    int start = 0;
    while (start < all.length) {
      int end = start;
      while (end < all.length && all[end] != '\n') {
        end++;
      }
      line++;
      if (end == all.length) {
        problems.add(new Problem(line, start, Kind.TORN_ENTRY, (end - start)
            + " bytes without a newline at the end of the file: the writer stopped mid-entry"));
        break;
      }
      String text = new String(all, start, end - start, StandardCharsets.UTF_8);
      int at = text.lastIndexOf(HASH_FIELD);
      if (at < 0 || !text.endsWith("\"}") || text.length() - at - HASH_FIELD.length() - 2 != 64) {
        problems.add(new Problem(line, start, Kind.UNREADABLE, "no hash field at the end"));
        start = end + 1;
        continue;
      }
      String claimed = text.substring(at + HASH_FIELD.length(), text.length() - 2);
      sha.reset();
      // the field and the hash are ASCII: the content ends 75 bytes before the line's end
      sha.update(all, start, end - start - HASH_FIELD.length() - 64 - 2);
      sha.update((byte) '}');
      String actual = hex.formatHex(sha.digest());
      if (!actual.equals(claimed)) {
        problems.add(new Problem(line, start, Kind.BAD_HASH, "stored " + claimed
            + ", content hashes to " + actual));
      }
      try {
        JsonNode e = JSON.readTree(text);
        if (e.path("seq").asLong(-1) != line - 1) {
          problems.add(new Problem(line, start, Kind.BAD_SEQUENCE, "seq " + e.path("seq")
              + " at position " + (line - 1)));
        }
        if (!prev.equals(e.path("prev").asText())) {
          problems.add(new Problem(line, start, Kind.BROKEN_CHAIN, "prev " + e.path("prev")
              .asText() + " is not the previous entry's hash " + prev));
        }
        if (line == 1 && (!e.hasNonNull("salt") || e.path("format").asInt() != FORMAT)) {
          problems.add(new Problem(line, start, Kind.UNREADABLE, "not a genesis entry of format "
              + FORMAT));
        }
        if (e.has("remaining") && e.has("ids")) {
          long left = e.path("remaining").asLong();
          if (remainingBefore >= 0 && left != remainingBefore - e.path("ids").path("count")
              .asLong()) {
            problems.add(new Problem(line, start, Kind.BAD_SEQUENCE, "remaining " + left
                + " after deleting " + e.path("ids").path("count") + " of " + remainingBefore));
          }
          remainingBefore = left;
        }
        if (e.has("parameters")) {
          lastParams = e.path("parameters").path("after").asText();
        }
      } catch (IOException ex) {
        problems.add(new Problem(line, start, Kind.UNREADABLE, "not JSON: " + ex.getMessage()));
      }
      prev = claimed;
      start = end + 1;
    }
    if (line == 0) {
      problems.add(new Problem(1, 0, Kind.UNREADABLE, "empty journal (no genesis entry)"));
    }
    int complete = problems.stream().anyMatch(p -> p.kind() == Kind.TORN_ENTRY) ? line - 1 : line;
    if (currentParameters != null) {
      String now = ParameterHash.of(currentParameters);
      if (!now.equals(lastParams)) {
        problems.add(new Problem(line, all.length, Kind.PARAMETERS_MISMATCH, "the parameters "
            + "hash to " + now + (lastParams == null ? ", and no request has been served"
                : ", the last request left " + lastParams)));
      }
    }
    return new JournalVerification(complete, prev, lastParams, problems);
  }
}

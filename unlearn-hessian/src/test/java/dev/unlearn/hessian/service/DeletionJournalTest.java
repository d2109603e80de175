package dev.unlearn.hessian.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.api.Certificate;
import dev.unlearn.hessian.service.JournalVerification.Kind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The journal against its own definition, recomputed here independently (SHA-256 of each line's
 * content, the chain, the salted id hashes), against every single-byte change of a journal, every
 * cut of its last line, and a writer process killed mid-line.
 */
class DeletionJournalTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static JournalRecord record(int i, String before, String after, long... ids) {
    Map<String, Double> cost = new LinkedHashMap<>();
    cost.put("seconds", 0.001 * i);
    cost.put("hvps", 3.0);
    Map<String, Double> check = new LinkedHashMap<>();
    check.put("forget-loss-before", 0.1);
    check.put("forget-loss-after", 0.9);
    return new JournalRecord("req-" + i, "rows", ids, 100_000 - i, "newton-downdate",
        Map.of("damping", "0.0"), before, after, cost,
        Certificate.of(1, 1e-4, 2.5, 0.1 * i), check);
  }

  static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void entriesAreChainedByTheSha256OfTheirContentAndHoldNoRawIds() throws Exception {
    Path f = dir.resolve("journal.jsonl");
    INDArray theta0 = Nd4j.createFromArray(1.0, 2.0, 3.0);
    INDArray theta1 = Nd4j.createFromArray(1.0, 2.5, 3.0);
    INDArray theta2 = Nd4j.createFromArray(0.5, 2.5, 3.0);
    String salt;
    String head;
    try (DeletionJournal j = DeletionJournal.open(f)) {
      j.append(record(1, ParameterHash.of(theta0), ParameterHash.of(theta1), 424242, 7));
      j.append(record(2, ParameterHash.of(theta1), ParameterHash.of(theta2), 31337));
      head = j.head();
      assertThat(j.size()).isEqualTo(3);
    }
    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(3);
    String prev = "0".repeat(64);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      JsonNode e = JSON.readTree(line);
      String content = line.substring(0, line.lastIndexOf(",\"hash\":\"")) + "}";
      assertThat(e.get("hash").asText()).isEqualTo(sha256(content));
      assertThat(e.get("prev").asText()).isEqualTo(prev);
      assertThat(e.get("seq").asInt()).isEqualTo(i);
      prev = e.get("hash").asText();
    }
    assertThat(prev).isEqualTo(head);
    salt = JSON.readTree(lines.get(0)).get("salt").asText();
    JsonNode first = JSON.readTree(lines.get(1));
    assertThat(first.at("/ids/hashes/0").asText()).isEqualTo(sha256(salt + ":rows:424242"));
    assertThat(first.at("/ids/count").asInt()).isEqualTo(2);
    assertThat(first.at("/certificate/spent").asDouble()).isEqualTo(0.1);
    assertThat(String.join("\n", lines)).doesNotContain("424242").doesNotContain("31337");
    // the parameter hash: SHA-256 of p then each value, 8 bytes big-endian
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32).putLong(3).putDouble(0.5)
        .putDouble(2.5).putDouble(3.0);
    assertThat(first.at("/parameters/after").asText()).isEqualTo(ParameterHash.of(theta1));
    assertThat(ParameterHash.of(theta2)).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(b.array())));
    assertThat(ParameterHash.of(theta2.castTo(DataType.FLOAT)))
        .as("float32 widened exactly").isEqualTo(ParameterHash.of(theta2));

    JournalVerification v = DeletionJournal.verify(f, theta2);
    assertThat(v.intact()).as(v.problems().toString()).isTrue();
    assertThat(v.entries()).isEqualTo(3);
    assertThat(v.headHash()).isEqualTo(head);
    JournalVerification wrong = DeletionJournal.verify(f, theta1);
    assertThat(wrong.problems()).extracting(JournalVerification.Problem::kind)
        .containsExactly(Kind.PARAMETERS_MISMATCH);

    // reopening continues the chain
    try (DeletionJournal j = DeletionJournal.open(f)) {
      assertThat(j.head()).isEqualTo(head);
      assertThat(j.idHash("rows", 424242)).isEqualTo(first.at("/ids/hashes/0").asText());
      j.append(record(3, ParameterHash.of(theta2), ParameterHash.of(theta0), 5));
    }
    assertThat(DeletionJournal.verify(f, theta0).intact()).isTrue();
    assertThat(DeletionJournal.verify(f).entries()).isEqualTo(4);
  }

  @Test
  void aNanBoundIsWrittenAsTextAndSaysRetrainRequired() throws Exception {
    Path f = dir.resolve("nan.jsonl");
    try (DeletionJournal j = DeletionJournal.open(f)) {
      j.append(new JournalRecord("r", "groups", new long[] {1}, 10, "certified-removal", null,
          "a", "b", Map.of("seconds", Double.POSITIVE_INFINITY),
          Certificate.of(1, 1e-4, 2.5, Double.NaN), Map.of()));
    }
    JsonNode e = JSON.readTree(Files.readAllLines(f).get(1));
    assertThat(e.at("/certificate/spent").asText()).isEqualTo("NaN");
    assertThat(e.at("/certificate/retrainRequired").asBoolean()).isTrue();
    assertThat(e.at("/cost/seconds").asText()).isEqualTo("Infinity");
    assertThat(DeletionJournal.verify(f).intact()).isTrue();
  }

  @Test
  void changingAnySingleByteIsDetected() throws Exception {
    Path f = dir.resolve("j.jsonl");
    try (DeletionJournal j = DeletionJournal.open(f)) {
      j.append(record(1, "aa", "bb", 1, 2, 3));
      j.append(record(2, "bb", "cc", 4));
    }
    byte[] good = Files.readAllBytes(f);
    Path copy = dir.resolve("flipped.jsonl");
    int undetected = 0;
    for (int i = 0; i < good.length; i++) {
      for (int delta : new int[] {1, 0x20}) {
        byte[] bad = good.clone();
        bad[i] = (byte) (bad[i] ^ delta);
        Files.write(copy, bad);
        if (DeletionJournal.verify(copy).intact()) {
          undetected++;
        }
      }
    }
    System.out.printf("journal of %d bytes: %d of %d single-byte changes undetected%n",
        good.length, undetected, 2 * good.length);
    assertThat(undetected).isZero();
    // removing a whole entry breaks the chain
    List<String> lines = Files.readAllLines(f);
    Files.write(copy, List.of(lines.get(0), lines.get(2)));
    assertThat(DeletionJournal.verify(copy).problems())
        .extracting(JournalVerification.Problem::kind)
        .contains(Kind.BROKEN_CHAIN, Kind.BAD_SEQUENCE);
  }

  @Test
  void everyCutOfTheLastLineIsReportedAsTornAndNeverRepaired() throws Exception {
    Path f = dir.resolve("j.jsonl");
    try (DeletionJournal j = DeletionJournal.open(f)) {
      j.append(record(1, "aa", "bb", 1));
      j.append(record(2, "bb", "cc", 2));
    }
    byte[] good = Files.readAllBytes(f);
    int lastStart = new String(good, StandardCharsets.UTF_8).lastIndexOf('\n', good.length - 2)
        + 1;
    Path cut = dir.resolve("cut.jsonl");
    for (int end = lastStart + 1; end < good.length; end++) {
      byte[] torn = java.util.Arrays.copyOf(good, end);
      Files.write(cut, torn);
      JournalVerification v = DeletionJournal.verify(cut);
      assertThat(v.problems()).extracting(JournalVerification.Problem::kind)
          .containsExactly(Kind.TORN_ENTRY);
      assertThat(v.problems().get(0).line()).isEqualTo(3);
      assertThat(v.entries()).isEqualTo(2);
    }
    Files.write(cut, java.util.Arrays.copyOf(good, good.length - 40));
    assertThatThrownBy(() -> DeletionJournal.open(cut)).isInstanceOf(JournalException.class)
        .hasMessageContaining("TORN_ENTRY").hasMessageContaining("line 3");
    assertThat(Files.readAllBytes(cut)).as("not repaired").hasSize(good.length - 40);
  }

  @Test
  void oneWriterAtATime() {
    Path f = dir.resolve("j.jsonl");
    try (DeletionJournal j = DeletionJournal.open(f)) {
      assertThatThrownBy(() -> DeletionJournal.open(f)).isInstanceOf(JournalException.class)
          .hasMessageContaining("held by another writer");
    }
    // reopened, and read while it is held: still held (the lock is on a sibling file)
    try (DeletionJournal j = DeletionJournal.open(f)) {
      assertThat(DeletionJournal.verify(f).intact()).isTrue();
      assertThatThrownBy(() -> DeletionJournal.open(f)).isInstanceOf(JournalException.class)
          .hasMessageContaining("held by another writer");
    }
  }

  /** Holds the journal's lock in another process (the lock must hold across processes). */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      try (DeletionJournal j = DeletionJournal.open(Path.of(args[0]))) {
        DeletionJournal.verify(Path.of(args[0])); // reading must not release the lock
        System.out.println("holding");
        System.out.flush();
        Thread.sleep(60_000);
      }
    }
  }

  @Test
  void anotherProcessCannotWriteWhileAReopenedJournalIsHeld() throws Exception {
    Path f = dir.resolve("held.jsonl");
    try (DeletionJournal j = DeletionJournal.open(f)) {
      j.append(record(1, "a", "b", 1));
    }
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
        Holder.class.getName(), f.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.equals("holding")) {
        // start-up output
      }
      assertThat(line).isEqualTo("holding");
      assertThatThrownBy(() -> DeletionJournal.open(f)).isInstanceOf(JournalException.class)
          .hasMessageContaining("held by another writer");
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void tenThousandEntriesVerify() {
    Path f = dir.resolve("big.jsonl");
    List<JournalRecord> records = new ArrayList<>();
    for (int i = 1; i <= 10_000; i++) {
      records.add(record(i, "h" + (i - 1), "h" + i, i));
    }
    try (DeletionJournal j = DeletionJournal.open(f)) {
      j.appendAll(records);
    }
    long t0 = System.nanoTime();
    JournalVerification v = DeletionJournal.verify(f);
    System.out.printf("10 000 entries (%d bytes) verified in %.0f ms (JMH: JournalBenchmark)%n",
        f.toFile().length(), (System.nanoTime() - t0) / 1e6);
    assertThat(v.intact()).isTrue();
    assertThat(v.entries()).isEqualTo(10_001);
    assertThat(v.lastParameters()).isEqualTo("h10000");
  }

  /** The writer of {@link #aWriterKilledMidLineLeavesATornEntryThatIsReported}. */
  public static final class Writer {
    public static void main(String[] args) throws Exception {
      String big = "x".repeat(Integer.parseInt(args[1]));
      try (DeletionJournal j = DeletionJournal.open(Path.of(args[0]))) {
        for (int i = 1; ; i++) {
          JournalRecord r = new JournalRecord("req-" + i, "rows", new long[] {i}, 10, "m",
              Map.of("padding", big), "a", "b", Map.of(), null, Map.of());
          System.out.println("writing " + i);
          System.out.flush();
          j.append(r);
        }
      }
    }
  }

  @Test
  void aWriterKilledMidLineLeavesATornEntryThatIsReported() throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    int torn = 0;
    int attempts = 0;
    while (torn == 0 && attempts < 25) {
      attempts++;
      Path f = dir.resolve("killed-" + attempts + ".jsonl");
      Process p = new ProcessBuilder(javaBin, "-Xmx768m", "-cp",
          System.getProperty("java.class.path"), Writer.class.getName(), f.toString(),
          String.valueOf(48 << 20)).redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8));
      String line;
      int writes = 0;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("writing") && ++writes == 2) {
          break;
        }
      }
      assertThat(line).as("the writer started").isNotNull();
      // kill as soon as the file shows an entry being written (its last byte not a newline)
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      try (java.nio.channels.FileChannel r = java.nio.channels.FileChannel.open(f)) {
        java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
        while (System.nanoTime() < deadline) {
          long size = r.size();
          last.clear();
          if (size > 0 && r.read(last, size - 1) == 1 && last.get(0) != '\n') {
            break;
          }
        }
      }
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      JournalVerification v = DeletionJournal.verify(f);
      // whatever the moment of the kill: complete entries verify; at most the last is torn
      assertThat(v.problems()).extracting(JournalVerification.Problem::kind)
          .allMatch(k -> k == Kind.TORN_ENTRY);
      if (!v.intact()) {
        torn++;
        assertThat(v.problems()).hasSize(1);
        assertThat(v.problems().get(0).line()).isEqualTo(v.entries() + 1);
        assertThatThrownBy(() -> DeletionJournal.open(f)).isInstanceOf(JournalException.class)
            .hasMessageContaining("TORN_ENTRY");
      }
      Files.delete(f);
    }
    System.out.printf("writer killed %d times before a kill landed mid-line%n", attempts);
    assertThat(torn).as("a kill mid-line within 25 attempts").isEqualTo(1);
  }
}

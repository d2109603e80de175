package dev.unlearn.benchmarks.jmh;

import dev.unlearn.api.Certificate;
import dev.unlearn.hessian.service.DeletionJournal;
import dev.unlearn.hessian.service.JournalRecord;
import dev.unlearn.hessian.service.JournalVerification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Verifying a deletion journal of 10 000 requests (each with two id hashes, parameter hashes,
 * cost, certificate and verification figures; about 7.5 MB): every entry's SHA-256, the chain, the
 * sequence. Target: at most 1 s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.HEAP, Jvm.MAX_BYTES, Jvm.MAX_PHYSICAL})
@Warmup(iterations = 5)
@Measurement(iterations = 20)
public class JournalBenchmark {
  Path dir;
  Path file;

  @Setup(Level.Trial)
  public void write() throws IOException {
    dir = Files.createTempDirectory("journal-bench");
    file = dir.resolve("journal.jsonl");
    List<JournalRecord> records = new ArrayList<>();
    for (int i = 1; i <= 10_000; i++) {
      records.add(new JournalRecord("req-" + i, "rows", new long[] {i, i + 1_000_000L}, 100_000 - 2 * i,
          "newton-downdate", Map.of("damping", "0.0"), "h" + (i - 1), "h" + i,
          Map.of("seconds", 0.001, "cg-iterations", 10.0), Certificate.of(1, 1e-4, 2.5, 0.1),
          Map.of("forget-loss-before", 0.1, "forget-loss-after", 0.9)));
    }
    try (DeletionJournal j = DeletionJournal.open(file)) {
      j.appendAll(records);
    }
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  @Benchmark
  public JournalVerification verifyTenThousand() {
    JournalVerification v = DeletionJournal.verify(file);
    if (!v.intact() || v.entries() != 10_001) {
      throw new IllegalStateException("journal not intact: " + v.problems());
    }
    return v;
  }
}

package dev.unlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.cli.ScoreboardTest.Outcome;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.hessian.service.DeletionJournal;
import dev.unlearn.hessian.service.DeletionService;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@code unlearn journal verify} on a journal written by the deletion service, then damaged. */
class JournalCommandTest {
  @TempDir Path dir;

  @Test
  void anAuditorVerifiesTheJournalAndTheDeployedParameters() throws Exception {
    Model model = LogisticRegression.of(64, 10).withL2(1e-3);
    Dataset train = Digits.standardSplit().train();
    INDArray theta = Trainer.train(model, train, TrainingRecipe.lbfgs(1e-6)).parameters();
    Path journal = dir.resolve("deletions.jsonl");
    INDArray deployed;
    try (DeletionJournal j = DeletionJournal.open(journal)) {
      DeletionService s = DeletionService.prepare(model, theta, train, 0, j);
      s.delete("ticket-1", 10, 20, 30);
      deployed = s.delete("ticket-2", 40).parameters();
    }
    Path npy = dir.resolve("deployed.npy");
    Nd4j.writeAsNumpy(deployed, npy.toFile());
    Outcome ok = ScoreboardTest.run("journal", "verify", journal.toString(), "--parameters",
        npy.toString());
    assertThat(ok.status()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("3 entries (2 requests)").contains("INTACT")
        .contains("(the given parameters match)");

    Path old = dir.resolve("old.npy");
    Nd4j.writeAsNumpy(theta, old.toFile());
    Outcome stale = ScoreboardTest.run("journal", "verify", journal.toString(), "--parameters",
        old.toString());
    assertThat(stale.status()).isEqualTo(1);
    assertThat(stale.out()).contains("PARAMETERS_MISMATCH").contains("NOT INTACT");

    byte[] bytes = Files.readAllBytes(journal);
    bytes[bytes.length / 2] ^= 1;
    Path flipped = dir.resolve("flipped.jsonl");
    Files.write(flipped, bytes);
    Outcome bad = ScoreboardTest.run("journal", "verify", flipped.toString());
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.out()).contains("PROBLEM line").containsAnyOf("BAD_HASH", "UNREADABLE");

    byte[] good = Files.readAllBytes(journal);
    Path torn = dir.resolve("torn.jsonl");
    Files.write(torn, java.util.Arrays.copyOf(good, good.length - 10));
    Outcome cut = ScoreboardTest.run("journal", "verify", torn.toString());
    assertThat(cut.status()).isEqualTo(1);
    assertThat(cut.out()).contains("TORN_ENTRY").contains("line 3");

    Outcome missing = ScoreboardTest.run("journal", "verify", dir.resolve("none").toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("is not a file");
  }
}

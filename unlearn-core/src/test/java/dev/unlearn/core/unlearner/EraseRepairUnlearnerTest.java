package dev.unlearn.core.unlearner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningResult;
import dev.unlearn.testkit.UnlearnerConformanceTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EraseRepairUnlearnerTest extends UnlearnerConformanceTest {
  @Override
  protected Unlearner unlearner() {
    return new EraseRepairUnlearner();
  }

  @Override
  protected Map<String, Object> fastHyperparameters() {
    return Map.of("epochs", 1);
  }

  @Test
  void erasesAboutTheRequestedFractionAndRepairsOnRetain() {
    Dataset retain = fixture.train().without(fixture.forget());
    int p = fixture.model().numParameters();
    for (String mode : new String[] {"reinit", "noise"}) {
      UnlearningResult r = run(request().hyperparameters(Map.of("mode", mode, "fraction", 0.5,
          "epochs", 20, "learning-rate", 1e-2)).build());
      double erased = r.diagnostics().get("erased-parameters");
      double sd = Math.sqrt(p * 0.25);
      double acc = Probe.accuracy(fixture.model(), r.parameters(), retain);
      double acc0 = Probe.accuracy(fixture.model(), fixture.theta(), retain);
      System.out.printf("erase-repair %s: erased %.0f of %d, retain acc %.4f (original %.4f)%n",
          mode, erased, p, acc, acc0);
      assertThat(Math.abs(erased - 0.5 * p)).isLessThanOrEqualTo(5 * sd);
      assertThat(acc).isGreaterThanOrEqualTo(acc0 - 0.1);
    }
  }
}

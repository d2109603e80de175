package dev.unlearn.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.Unlearner;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.data.SyntheticData;
import dev.unlearn.core.model.Activation;
import dev.unlearn.core.model.Mlp;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.metrics.harness.EvaluationHarness;
import dev.unlearn.metrics.harness.EvaluationReport;
import dev.unlearn.metrics.harness.MethodReport;
import dev.unlearn.testkit.MinimalModel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every registered unlearner through the harness over three models: a gradient-only model (the
 * minimal base class without a VJP), a DL4J network and an exact model (the library's Mlp). Each
 * pair either runs (OK) or is skipped as UNSUPPORTED with the missing capability named; none fails
 * at run time. The expected skips are derived here from what each model lacks, independently of the
 * unlearners' own declarations.
 */
class CapabilitySweepTest {
  static final Mlp INNER = Mlp.of(Activation.TANH, 5, 6, 3).withL2(1e-3);

  static Map<String, MethodReport> sweep(Model model) {
    Split s = SyntheticData.generate(60, 5, 3, 21);
    List<Unlearner> all = Unlearners.available();
    EvaluationReport r = EvaluationHarness.builder(model, s.train(), s.test())
        .forgetRows(ForgetSets.random(s.train(), 6, 4)).recipe(TrainingRecipe.adam(3, 16, 0.05, 2))
        .models(2).unlearners(all).seed(1).progress(null).build().run();
    Map<String, MethodReport> out = new TreeMap<>();
    r.methods().forEach(m -> out.put(m.name(), m));
    System.out.printf("%s: %s%n", model.name(), out.values().stream()
        .map(m -> m.name() + "=" + m.status()).collect(Collectors.joining(", ")));
    return out;
  }

  static Set<String> unsupported(Map<String, MethodReport> r) {
    return r.values().stream().filter(m -> m.status() == MethodReport.Status.UNSUPPORTED)
        .map(MethodReport::name).collect(Collectors.toSet());
  }

  @Test
  void everyUnlearnerRunsOrIsSkippedWithTheMissingCapability() {
    // The registry holds the second-order unlearners too (unlearn-hessian is on the test path).
    assertThat(Unlearners.forName("newton"))
        .isInstanceOf(dev.unlearn.hessian.unlearner.NewtonUnlearner.class);
    Map<String, MethodReport> gradientOnly = sweep(MinimalModel.gradientOnly(INNER));
    Map<String, MethodReport> dl4j = sweep(Dl4jModel.of(Networks.mlp(5, 6, 3, 4)).withL2(1e-3));
    Map<String, MethodReport> exact = sweep(INNER);
    for (Map<String, MethodReport> r : List.of(gradientOnly, dl4j, exact)) {
      assertThat(r).hasSize(Unlearners.available().size());
      for (MethodReport m : r.values()) {
        assertThat(m.status()).as(m.name() + ": " + m.message())
            .isNotEqualTo(MethodReport.Status.FAILED);
      }
    }
    // Without a VJP: no backpropagate (scrub) and no Gauss-Newton product (newton's default
    // curvature); no exact Hessian anywhere but the exact model; certified removal is for
    // logistic regression only.
    assertThat(unsupported(gradientOnly)).containsExactlyInAnyOrder("scrub", "newton",
        "certified-removal");
    assertThat(gradientOnly.get("scrub").message()).contains("needs [BACKPROPAGATE]");
    assertThat(gradientOnly.get("newton").message()).contains("needs [GAUSS_NEWTON]");
    assertThat(gradientOnly.get("certified-removal").message()).contains("EXACT_HESSIAN");
    assertThat(unsupported(dl4j)).containsExactly("certified-removal");
    assertThat(dl4j.get("certified-removal").message()).contains("needs [EXACT_HESSIAN]");
    assertThat(unsupported(exact)).containsExactly("certified-removal");
    assertThat(exact.get("certified-removal").message()).contains("does not support");
    // And the same unlearner runs where the capability is there, e.g. newton on curvature hessian.
    assertThat(MinimalModel.gradientOnly(INNER).capabilities()).doesNotContain(
        dev.unlearn.api.Capability.GAUSS_NEWTON);
    assertThat(Unlearners.forName("newton").unsupportedReason(MinimalModel.gradientOnly(INNER),
        Map.of("curvature", "hessian"))).isEmpty();
  }
}

package dev.unlearn.core.registry;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Hyperparameter;
import dev.unlearn.api.Unlearner;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.api.UnlearningResult;
import java.util.List;

/**
 * A third-party-style plugin that only the test class path registers (in
 * {@code src/test/resources/META-INF/services/dev.unlearn.api.Unlearner}): it returns the
 * parameters unchanged. It shows that a plugin appears in the registry with no change to the
 * project's code.
 */
public final class IdentityTestPlugin implements Unlearner {
  @Override
  public String name() {
    return "test-plugin-identity";
  }

  @Override
  public String description() {
    return "returns the trained parameters unchanged (test plugin)";
  }

  @Override
  public List<Hyperparameter<?>> hyperparameters() {
    return List.of();
  }

  @Override
  public UnlearningResult unlearn(UnlearningRequest request) {
    request.hyperparameters(hyperparameters()); // rejects any hyperparameter given
    Cost.Meter meter = new Cost.Meter(request.training().size());
    return UnlearningResult.of(request.parameters().dup(), meter.stop());
  }
}

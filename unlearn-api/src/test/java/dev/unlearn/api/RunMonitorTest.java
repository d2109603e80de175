package dev.unlearn.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunMonitorTest {

  @Test
  void aListenerSeesEveryReportUntilItSaysStopAndTheStopSticks() {
    List<Long> seen = new ArrayList<>();
    RunMonitor m = RunMonitor.of(null, p -> {
      seen.add(p.iteration());
      return p.iteration() < 3;
    });
    assertThat(m.report("epoch", 1, 0.5)).isFalse();
    assertThat(m.report("epoch", 2, 0.4)).isFalse();
    assertThat(m.report("epoch", 3, 0.3)).isTrue();
    assertThat(m.termination()).isEqualTo(Termination.STOPPED);
    assertThat(m.check()).isTrue();
    assertThat(m.report("epoch", 4, 0.2)).isTrue();
    assertThat(seen).containsExactly(1L, 2L, 3L); // not called again once stopped
    assertThatThrownBy(m::stopIfAsked).isInstanceOf(RunStoppedException.class)
        .extracting(e -> ((RunStoppedException) e).termination()).isEqualTo(Termination.STOPPED);
  }

  @Test
  void aBudgetIsSpentAfterItsTimeAndNotBefore() throws InterruptedException {
    RunMonitor m = RunMonitor.of(Duration.ofMillis(200), null);
    assertThat(m.check()).isFalse();
    assertThat(m.termination()).isEqualTo(Termination.COMPLETED);
    Thread.sleep(250);
    assertThat(m.check()).isTrue();
    assertThat(m.termination()).isEqualTo(Termination.BUDGET_SPENT);
    assertThat(RunMonitor.unbounded().check()).isFalse();
  }

  @Test
  void anInterruptThrowsAndLeavesTheStatusSet() {
    RunMonitor m = RunMonitor.unbounded();
    Thread.currentThread().interrupt();
    assertThatThrownBy(m::check).isInstanceOf(UnlearningInterruptedException.class);
    assertThat(Thread.interrupted()).isTrue(); // set again, and cleared here
    Thread.currentThread().interrupt();
    assertThatThrownBy(RunMonitor::checkInterrupted)
        .isInstanceOf(UnlearningInterruptedException.class);
    assertThat(Thread.interrupted()).isTrue();
  }

  @Test
  void badBudgetsAreRejectedAndAnEarlyEndIsNeverConverged() {
    assertThatThrownBy(() -> RunMonitor.of(Duration.ZERO, null))
        .isInstanceOf(InvalidInputException.class).hasMessage("budget (PT0S) must be positive");
    assertThatThrownBy(() -> RunMonitor.of(Duration.ofSeconds(-1), null))
        .isInstanceOf(InvalidInputException.class).hasMessage("budget (PT-1S) must be positive");
    var theta = org.nd4j.linalg.factory.Nd4j.zeros(3);
    Cost cost = new Cost(1, 0, 0, 0, -1);
    UnlearningResult early = new UnlearningResult(theta, cost, java.util.Map.of(), true,
        java.util.Optional.empty(), Termination.BUDGET_SPENT);
    assertThat(early.converged()).isFalse();
    assertThat(early.endedEarly()).isTrue();
    assertThat(UnlearningResult.of(theta, cost).termination()).isEqualTo(Termination.COMPLETED);
  }
}

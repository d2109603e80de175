package dev.unlearn.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class CostTest {
  @Test
  void meterCountsGradientEquivalentsAgainstTheTrainingSetSize() {
    Cost.Meter m = new Cost.Meter(200);
    m.gradient(50).gradient(150).hvps(3).iterations(2);
    // an inner run that did 2.5 gradient-equivalents on a 100-row set = 250 rows = 1.25 here
    m.add(new Cost(5, 2.5, 4, 1, -1), 100);
    Cost c = m.stop();
    assertThat(c.gradientEvaluations()).isCloseTo(1.0 + 1.25, Offset.offset(1e-12));
    assertThat(c.hessianVectorProducts()).isEqualTo(7);
    assertThat(c.solverIterations()).isEqualTo(3);
    assertThat(c.wallNanos()).isPositive();
    Cost sum = c.plus(new Cost(10, 1, 1, 1, 64));
    assertThat(sum.wallNanos()).isEqualTo(c.wallNanos() + 10);
    assertThat(sum.peakMemoryBytes()).isEqualTo(64);
  }
}

package dev.unlearn.metrics.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import dev.unlearn.testkit.Tolerance;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MembershipInferenceTest {

  @Test
  void aucOfASmallHandComputedCase() {
    // Pairs (forget, test): (1,3) 1, (1,2) 1, (2,3) 1, (2,2) ½ → 3.5 / 4.
    assertThat(MembershipInference.lossThresholdAuc(new double[] {1, 2}, new double[] {3, 2}))
        .isEqualTo(0.875);
    assertThat(MembershipInference.lossThresholdAuc(new double[] {0.1, 0.2},
        new double[] {1, 2, 3})).isEqualTo(1.0);
    assertThat(MembershipInference.lossThresholdAuc(new double[] {5, 6},
        new double[] {1, 2, 3})).isEqualTo(0.0);
    assertThat(MembershipInference.lossThresholdAuc(new double[] {1, 1}, new double[] {1}))
        .isEqualTo(0.5);
  }

  @Test
  void aucEqualsBruteForcePairCount() {
    for (long seed = 1; seed <= 5; seed++) {
      System.out.println("auc seed " + seed);
      SplittableRandom random = new SplittableRandom(seed);
      int nf = 1 + random.nextInt(60);
      int nt = 1 + random.nextInt(60);
      double[] f = new double[nf];
      double[] t = new double[nt];
      for (int i = 0; i < nf; i++) {
        f[i] = Math.rint(random.nextDouble() * 20) / 4; // coarse grid: many ties
      }
      for (int i = 0; i < nt; i++) {
        t[i] = Math.rint(random.nextDouble() * 24) / 4;
      }
      double pairs = 0;
      for (double a : f) {
        for (double b : t) {
          pairs += a < b ? 1 : a == b ? 0.5 : 0;
        }
      }
      assertThat(MembershipInference.lossThresholdAuc(f, t)).as("seed %d", seed)
          .isEqualTo(pairs / ((double) nf * nt));
    }
  }

  @Test
  void logisticAttackRecoversAnObviousSeparation() {
    long seed = 61;
    System.out.println("attack seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    double[] retain = draw(random, 400, 0.05, 0.02);
    double[] test = draw(random, 150, 2.0, 0.3);
    double[] forgetLikeRetain = draw(random, 100, 0.05, 0.02);
    double[] forgetLikeTest = draw(random, 100, 2.0, 0.3);
    LogisticAttackResult remembered =
        MembershipInference.logisticAttack(retain, test, forgetLikeRetain, 7);
    assertThat(remembered.samplesPerClass()).isEqualTo(150);
    assertThat(remembered.trainAccuracy()).isEqualTo(1.0);
    assertThat(remembered.coefficient()).isNegative(); // low loss → member
    assertThat(remembered.forgetMembershipMean()).isGreaterThan(0.95);
    assertThat(remembered.forgetMemberFraction()).isEqualTo(1.0);
    LogisticAttackResult forgotten =
        MembershipInference.logisticAttack(retain, test, forgetLikeTest, 7);
    assertThat(forgotten.forgetMembershipMean()).isLessThan(0.05);
    assertThat(forgotten.forgetMemberFraction()).isZero();
    // Same seed, same subsample, same model.
    assertThat(MembershipInference.logisticAttack(retain, test, forgetLikeRetain, 7))
        .isEqualTo(remembered);
  }

  @Test
  void logisticAttackIsNearOneHalfOnIdenticalDistributions() {
    long seed = 62;
    System.out.println("attack seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    double[] retain = draw(random, 3000, 1.0, 0.5);
    double[] test = draw(random, 2000, 1.0, 0.5);
    double[] forget = draw(random, 1000, 1.0, 0.5);
    LogisticAttackResult r = MembershipInference.logisticAttack(retain, test, forget, 3);
    assertThat(r.forgetMembershipMean()).isBetween(0.45, 0.55);
    assertThat(r.trainAccuracy()).isBetween(0.45, 0.55);
  }

  @Test
  void logisticAttackStopsAtTheOptimum() {
    // Equal class sizes: no subsampling, so the objective ½w² + Σ logloss can be rebuilt here and
    // its gradient at the reported (w, b) must vanish.
    long seed = 63;
    System.out.println("attack seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    double[] retain = draw(random, 200, 0.8, 0.4);
    double[] test = draw(random, 200, 1.2, 0.5);
    LogisticAttackResult r = MembershipInference.logisticAttack(retain, test, retain, 0);
    double gw = r.coefficient();
    double gb = 0;
    double scaleOfTerms = 0;
    for (int c = 0; c < 2; c++) {
      double[] losses = c == 0 ? retain : test;
      double y = c == 0 ? 1 : 0;
      for (double loss : losses) {
        double x = (loss - r.featureMean()) / r.featureScale();
        double p = 1 / (1 + Math.exp(-(r.coefficient() * x + r.intercept())));
        gw += (p - y) * x;
        gb += p - y;
        scaleOfTerms += Math.abs(x);
      }
    }
    assertThat(Math.abs(gw) + Math.abs(gb)).isLessThan(1e-9 * scaleOfTerms);
    Tolerance.of(1e-12, 1e-12).assertClose(r.featureMean(), (sum(retain) + sum(test)) / 400);
    assertThat(r.iterations()).isBetween(1, MembershipInference.MAX_NEWTON_ITERATIONS);
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> MembershipInference.lossThresholdAuc(new double[] {Double.NaN},
        new double[] {1})).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("forgetLosses[0] (NaN) must be finite");
    assertThatThrownBy(() -> MembershipInference.lossThresholdAuc(new double[] {1},
        new double[0])).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("testLosses (length 0) must be non-empty");
    assertThatThrownBy(() -> MembershipInference.logisticAttack(new double[] {1},
        new double[] {2}, new double[] {Double.POSITIVE_INFINITY}, 0))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("forgetLosses[0]");
  }

  /** Absolute values of normal draws: loss-like, non-negative. */
  private static double[] draw(SplittableRandom random, int n, double mean, double sd) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      double u1 = 1 - random.nextDouble();
      double u2 = random.nextDouble();
      x[i] = Math.abs(mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
    return x;
  }

  private static double sum(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s;
  }
}

package dev.unlearn.hessian.unlearner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Cost;
import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.core.data.SyntheticData;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.hessian.operator.Operators;
import dev.unlearn.hessian.solve.PreparedInverse;
import dev.unlearn.hessian.testing.Dense;
import dev.unlearn.hessian.unlearner.CurvatureInverse.Curvature;
import dev.unlearn.hessian.unlearner.CurvatureInverse.Inverse;
import dev.unlearn.hessian.unlearner.CurvatureInverse.Options;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The shared curvature-inverse factory against a dense solve of the same damped curvature (the
 * oracle: the operator's dense matrix, Gaussian elimination), for every pair it builds.
 */
class CurvatureInverseTest {
  static final Dataset DATA = SyntheticData.generate(200, 5, 3, 4, 40).train();
  static final Model MODEL = LogisticRegression.of(5, 3).withL2(1e-2);

  static Cost.Meter meter() {
    return new Cost.Meter(DATA.size(), dev.unlearn.api.RunMonitor.unbounded());
  }

  @Test
  void everyExactPairSolvesTheDampedCurvature() {
    INDArray theta = MODEL.initialParameters(3);
    ModelPoint at = MODEL.at(theta, DATA);
    java.util.SplittableRandom rng = new java.util.SplittableRandom(17);
    INDArray g = Nd4j.createFromArray(rng.doubles(MODEL.numParameters(), -0.5, 0.5).toArray());
    double damping = 1e-3;
    int p = MODEL.numParameters();
    for (Curvature c : new Curvature[] {Curvature.HESSIAN, Curvature.GGN, Curvature.FISHER}) {
      var op = switch (c) {
        case HESSIAN -> Operators.hessian(at);
        case GGN -> Operators.gaussNewton(at);
        default -> Operators.empiricalFisher(at.perExampleGradients(), MODEL.l2());
      };
      double[][] dense = Dense.matrix(op.damped(damping).toDense());
      double[] oracle = Dense.solve(dense, Dense.vector(g));
      // the exact kinds, and the low-rank ones at full rank (exact too)
      for (Inverse i : new Inverse[] {Inverse.CG, Inverse.PCG_NYSTROM,
          Inverse.PCG_NYSTROM_ADAPTIVE, Inverse.DIRECT, Inverse.LOWRANK_LANCZOS, Inverse.LOWRANK}) {
        Options o = Options.defaults().withDamping(damping).withTolerance(1e-12).withRank(p);
        CurvatureInverse.Step s = CurvatureInverse.solve(at, g, c, i, o, meter());
        double err = Dense.norm(sub(Dense.vector(s.x()), oracle)) / Dense.norm(oracle);
        assertThat(err).as("%s with %s", c, i).isLessThan(i == Inverse.LOWRANK ? 1e-6 : 1e-9);
        assertThat(s.relativeResidual()).as("%s with %s: the reported residual", c, i)
            .isCloseTo(Dense.relativeResidual(dense, Dense.vector(s.x()), Dense.vector(g)),
                org.assertj.core.data.Offset.offset(1e-12));
        if (i.prepared()) {
          PreparedInverse inv = CurvatureInverse.prepare(at, c, i, o, meter());
          assertThat(Dense.norm(sub(Dense.vector(inv.solve(g)), oracle)) / Dense.norm(oracle))
              .as("prepared %s with %s", c, i).isLessThan(i == Inverse.LOWRANK ? 1e-6 : 1e-9);
        }
      }
    }
  }

  @Test
  void theDiagonalIsTheFishersDiagonalInvertedElementwise() {
    ModelPoint at = MODEL.at(MODEL.initialParameters(5), DATA);
    INDArray g = Nd4j.createFromArray(new java.util.SplittableRandom(3)
        .doubles(MODEL.numParameters(), -1, 1).toArray());
    double damping = 0.01;
    double[] grads = Dense.vector(at.perExampleGradients().dup('c').reshape(-1));
    int p = MODEL.numParameters();
    int n = DATA.size();
    CurvatureInverse.Step s = CurvatureInverse.solve(at, g, Curvature.DIAGONAL, Inverse.CG,
        Options.defaults().withDamping(damping), meter());
    for (int j = 0; j < p; j++) {
      double d = 0;
      for (int i = 0; i < n; i++) {
        d += grads[i * p + j] * grads[i * p + j] / n;
      }
      assertThat(s.x().getDouble(j)).as("coordinate %d", j).isCloseTo(
          g.getDouble(j) / (d + MODEL.l2() + damping), org.assertj.core.data.Offset.offset(
              1e-12 * Math.abs(g.getDouble(j) / (d + MODEL.l2() + damping)) + 1e-15));
    }
  }

  static double[] sub(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] - b[i];
    }
    return r;
  }

  @Test
  void oneVocabularyAndOnePlaceThatChecksIt() {
    assertThat(Curvature.of("ggn")).isEqualTo(Curvature.GGN);
    assertThat(Inverse.of("lowrank-lanczos")).isEqualTo(Inverse.LOWRANK_LANCZOS);
    assertThatThrownBy(() -> Curvature.of("hesian")).isInstanceOf(InvalidInputException.class)
        .hasMessage("curvature (hesian) must be one of [hessian, ggn, fisher, diagonal]");
    assertThatThrownBy(() -> Inverse.of("cholesky")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("solver (cholesky) must be one of [cg, pcg-nystrom, "
            + "pcg-nystrom-adaptive, lissa, lowrank, lowrank-lanczos, direct]");
    Options none = Options.defaults();
    assertThatThrownBy(() -> CurvatureInverse.check(MODEL, Curvature.GGN, Inverse.PCG_NYSTROM,
        none)).hasMessage("damping (0.0) must be > 0 for solver pcg-nystrom");
    assertThatThrownBy(() -> CurvatureInverse.check(MODEL, Curvature.GGN,
        Inverse.PCG_NYSTROM_ADAPTIVE, none))
        .hasMessage("damping (0.0) must be > 0 for solver pcg-nystrom-adaptive");
    assertThatThrownBy(() -> CurvatureInverse.check(LogisticRegression.of(5, 3), Curvature.GGN,
        Inverse.LOWRANK, none)).hasMessage("the model's l2 + damping (0.0) must be > 0 for solver "
        + "lowrank");
    Model big = LogisticRegression.of(600, 10).withL2(1e-3);
    assertThatThrownBy(() -> CurvatureInverse.check(big, Curvature.HESSIAN, Inverse.DIRECT, none))
        .hasMessageContaining("p (6010) must be <= 5000 for solver direct");
    CurvatureInverse.check(big, Curvature.FISHER, Inverse.DIRECT, none); // Woodbury: no dense matrix
    ModelPoint at = MODEL.at(MODEL.initialParameters(1), DATA);
    assertThatThrownBy(() -> CurvatureInverse.prepare(at, Curvature.GGN, Inverse.CG, none,
        meter())).hasMessageContaining("solver cg iterates per right-hand side");
    assertThatThrownBy(() -> new Options(-1, 1e-8, 10, 5, 0, 0, 0, 10, 0))
        .hasMessage("damping (-1.0) must be >= 0 and finite");
    // newton's hyperparameters are exactly this vocabulary
    assertThat(NewtonUnlearner.CURVATURE.choices()).containsExactly("hessian", "ggn", "fisher",
        "diagonal");
    assertThat(NewtonUnlearner.SOLVER.choices()).containsExactly("cg", "pcg-nystrom",
        "pcg-nystrom-adaptive", "lissa", "lowrank", "lowrank-lanczos", "direct");
  }
}

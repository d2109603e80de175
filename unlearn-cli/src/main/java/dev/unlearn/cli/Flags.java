package dev.unlearn.cli;

import dev.unlearn.metrics.harness.EvaluationReport;
import dev.unlearn.metrics.harness.MethodReport;
import dev.unlearn.metrics.harness.ScoreSpread;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What users of unlearning libraries most often miss, said out loud: a method whose runs left the
 * parameters where they were (a silent no-op: its good utility scores mean nothing), and a method
 * whose test accuracy collapsed (below half the retrained models', or within 20 % of chance, when
 * the retrained models themselves do better than that).
 */
final class Flags {
  /** Mean relative movement &Vert;&theta;<sub>u</sub> &minus; &theta;<sub>0</sub>&Vert;/&Vert;&theta;<sub>0</sub>&Vert; below this is no movement. */
  static final double NO_MOVE = 1e-9;

  private Flags() {}

  /** The flags of one method (empty for a sound one or one that did not run). */
  static List<String> of(MethodReport m, EvaluationReport r, int numClasses) {
    List<String> out = new ArrayList<>();
    if (!m.ok()) {
      return out;
    }
    ScoreSpread move = m.spread().get("parameterMovement");
    if (move != null && move.mean() < NO_MOVE) {
      out.add(String.format(Locale.ROOT, "no-op: the parameters did not move (mean relative "
          + "change %.1e)", move.mean()));
    }
    double ta = m.scores().testAccuracy();
    double chance = 1.0 / numClasses;
    boolean referenceLearned = r.reference().testAccuracy() > 1.2 * chance;
    if (referenceLearned && (m.scores().testAccuracyRatio() < 0.5 || ta <= 1.2 * chance)) {
      out.add(String.format(Locale.ROOT, "collapsed: test accuracy %.3f against %.3f for the "
          + "retrained models (chance %.3f)", ta, r.reference().testAccuracy(), chance));
    }
    return out;
  }

  /** Markdown lines for the methods with flags (by method name), or an empty string. */
  static String markdown(Map<String, List<String>> flags) {
    StringBuilder b = new StringBuilder();
    flags.forEach((method, fs) -> fs.forEach(
        f -> b.append("- **").append(method).append("**: ").append(f).append('\n')));
    return b.length() == 0 ? "" : "\nFlags:\n\n" + b;
  }
}

package dev.unlearn.metrics.score;

import dev.unlearn.api.InvalidInputException;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The relative parameter distance {@code ‖a − b‖₂ / ‖b‖₂} (docs/metrics.md, "Other scores"), typically a =
 * the unlearned &theta;<sub>u</sub> and b = the retrained &theta;<sub>r</sub>, accumulated in
 * double. Fails with {@link InvalidInputException} on empty input, different lengths, NaN or
 * infinite entries (naming the index) or {@code ‖b‖ = 0}.
 */
public final class ParameterDistance {
  private ParameterDistance() {}

  /** {@code ‖a − b‖ / ‖b‖} of two vectors of equal length. */
  public static double relative(double[] a, double[] b) {
    InvalidInputException.check(a != null && b != null, "parameter vectors (null) must be non-null");
    InvalidInputException.check(b.length > 0, "length (0) must be >= 1");
    InvalidInputException.check(a.length == b.length, "length of a (%d) must equal length of b (%d)",
        a.length, b.length);
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      if (!Double.isFinite(a[i]) || !Double.isFinite(b[i])) {
        throw new InvalidInputException(String.format(Locale.ROOT,
            "parameters at index %d (%s, %s) must be finite", i, a[i], b[i]));
      }
      double d = a[i] - b[i];
      num += d * d;
      den += b[i] * b[i];
    }
    InvalidInputException.check(den > 0, "norm of b (%s) must be > 0", Math.sqrt(den));
    return Math.sqrt(num) / Math.sqrt(den);
  }

  /** {@code ‖a − b‖ / ‖b‖} of two arrays of equal length (any shape and floating type, flattened). */
  public static double relative(INDArray a, INDArray b) {
    InvalidInputException.check(a != null && b != null, "parameter arrays (null) must be non-null");
    return relative(flat(a), flat(b));
  }

  private static double[] flat(INDArray x) {
    return x.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }
}

package dev.unlearn.hessian.internal;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Random test matrices drawn from a caller's seeded {@link SplittableRandom}, column by column. */
public final class Probes {
  private Probes() {}

  /** A p &times; k matrix of independent &plusmn;1 entries (Rademacher), column-major. */
  public static INDArray rademacher(SplittableRandom rng, long p, int k, DataType type) {
    double[] z = new double[Math.toIntExact(p * k)];
    for (int i = 0; i < z.length; i++) {
      z[i] = rng.nextBoolean() ? 1.0 : -1.0;
    }
    return Nd4j.create(z, new long[] {p, k}, 'f').castTo(type);
  }

  /** A p &times; k matrix of independent standard normal entries, column-major. */
  public static INDArray gaussian(SplittableRandom rng, long p, int k, DataType type) {
    double[] z = new double[Math.toIntExact(p * k)];
    for (int i = 0; i < z.length; i++) {
      z[i] = rng.nextGaussian();
    }
    return Nd4j.create(z, new long[] {p, k}, 'f').castTo(type);
  }
}

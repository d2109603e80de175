package dev.unlearn.hessian.service;

import dev.unlearn.api.InvalidInputException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The hash a journal records for a parameter vector: SHA-256 over the length p as an 8-byte
 * big-endian integer followed by each value as an IEEE 754 binary64 in big-endian order (float32
 * parameters widened exactly to binary64; NaNs in one canonical form), in lowercase hex. Anyone can
 * recompute it from the parameters alone.
 */
public final class ParameterHash {
  private ParameterHash() {}

  /** The hash of θ (any shape; read in row-major order). */
  public static String of(INDArray theta) {
    InvalidInputException.check(theta != null, "theta must not be null");
    return of(theta.castTo(DataType.DOUBLE).dup('c').data().asDouble());
  }

  /** The hash of these values. */
  public static String of(double[] values) {
    ByteBuffer b = ByteBuffer.allocate(8 + 8 * values.length);
    b.putLong(values.length);
    for (double v : values) {
      b.putLong(Double.doubleToLongBits(v));
    }
    return sha256(b.array());
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}

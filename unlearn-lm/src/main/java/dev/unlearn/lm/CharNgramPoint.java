package dev.unlearn.lm;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import java.nio.DoubleBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link CharNgramModel} evaluated at one &theta; on one batch. Notation: C the context ids
 * (n &times; k), X = gather(E, C) (n &times; ke), A = tanh(X W1 + b1), F = 1 - A&sup2;, Z = A W2 +
 * b2, S = softmax(Z), D2 = (S - Y)/n, E1 = D2 W2<sup>T</sup>, D1 = E1 &#8857; F, DX = D1
 * W1<sup>T</sup>; the gradient is (scatter(DX), X<sup>T</sup>D1, 1<sup>T</sup>D1,
 * A<sup>T</sup>D2, 1<sup>T</sup>D2) + &lambda;&theta;. The forward pass runs in the constructor;
 * the backward pass and the R-pass buffers are built on first use and kept.
 */
final class CharNgramPoint implements ModelPoint {
  private final CharNgramModel m;
  private final INDArray theta;
  private final Dataset data;
  private final int n;
  private final int v;
  private final int k;
  private final int e;
  private final int h;
  private final int ke;
  private final int p;

  private final Mat th; // owned copy of theta, 1 x p
  private final INDArray w1; // ke x h view
  private final INDArray w2; // h x V view
  private final int[] ctx; // n x k ids
  private final int[] labels;
  private final Mat x; // n x ke
  private final Mat a; // n x h
  private final Mat f; // n x h, 1 - a^2
  private final Mat z; // n x V logits
  private final Mat s; // n x V probabilities
  private final Mat d2; // n x V
  private final double[] losses;

  private Mat e1; // n x h
  private Mat d1; // n x h
  private Mat dx; // n x ke
  private Workspace ws;

  CharNgramPoint(CharNgramModel model, INDArray theta, Dataset data) {
    this.m = model;
    this.p = model.numParameters;
    checkTheta(model, theta);
    InvalidInputException.check(data != null, "data (null) must be a data set");
    InvalidInputException.check(data.numFeatures() == model.context,
        "data.numFeatures (%d) must be %d", data.numFeatures(), model.context);
    InvalidInputException.check(data.numClasses() == model.vocab,
        "data.numClasses (%d) must be %d", data.numClasses(), model.vocab);
    this.theta = theta;
    this.data = data;
    this.n = data.size();
    this.v = model.vocab;
    this.k = model.context;
    this.e = model.embedding;
    this.h = model.hidden;
    this.ke = k * e;
    this.ctx = ids(model, data.features());
    Arena arena = new Arena(p + (long) n * (ke + 2L * h + 3L * v));
    this.th = copyInto(theta, p, arena.take(1, p));
    this.w1 = th.view(m.w1Off, ke, h);
    this.w2 = th.view(m.w2Off, h, v);
    this.labels = data.labels();
    this.x = arena.take(n, ke);
    this.a = arena.take(n, h);
    this.f = arena.take(n, h);
    this.z = arena.take(n, v);
    this.s = arena.take(n, v);
    this.d2 = arena.take(n, v);
    this.losses = new double[n];
    gather(th.b, 0, ctx, n, k, e, x.b);
    Nd4j.gemm(x.arr, w1, a.arr, false, false, 1.0, 0.0);
    activate(a.b, th.b, m.b1Off, n, h, f.b);
    Nd4j.gemm(a.arr, w2, z.arr, false, false, 1.0, 0.0);
    addBias(z.b, th.b, m.b2Off, n, v);
    softmax(z.b, n, v, labels, s.b, d2.b, losses, 1.0 / n);
  }

  // ------------------------------------------------------------------ shared helpers

  /** A row-major float64 matrix with a NIO view of its storage (index 0 = its first element). */
  static final class Mat {
    final INDArray arr;
    final DoubleBuffer b;

    private Mat(INDArray arr, DataBuffer storage, long offset) {
      this.arr = arr;
      DoubleBuffer all = storage.asNioDouble();
      all.position((int) offset);
      this.b = all.slice();
    }

    static Mat create(long rows, long cols) {
      INDArray a = Nd4j.createUninitialized(DataType.DOUBLE, new long[] {rows, cols}, 'c');
      return new Mat(a, a.data(), 0);
    }

    static Mat zeros(long rows, long cols) {
      INDArray a = Nd4j.zeros(DataType.DOUBLE, rows, cols);
      return new Mat(a, a.data(), 0);
    }

    /** A rows x cols view of elements [offset, offset + rows cols) of this matrix. */
    INDArray view(long offset, long rows, long cols) {
      return Nd4j.create(arr.data(), new long[] {rows, cols}, new long[] {cols, 1},
          arr.offset() + offset, 'c');
    }
  }

  /** One off-heap allocation carved into consecutive matrices (each allocation costs tens of us). */
  static final class Arena {
    private final DataBuffer storage;
    private long next;

    Arena(long length) {
      this.storage = Nd4j.createBuffer(DataType.DOUBLE, Math.max(1, length), false);
    }

    Mat take(long rows, long cols) {
      INDArray a = Nd4j.create(storage, new long[] {rows, cols}, new long[] {cols, 1}, next, 'c');
      Mat m = new Mat(a, storage, next);
      next += rows * cols;
      if (next > storage.length()) {
        throw new IllegalStateException("arena overflow: " + next + " > " + storage.length());
      }
      return m;
    }
  }

  static void checkTheta(CharNgramModel model, INDArray theta) {
    InvalidInputException.check(theta != null, "theta (null) must be an array");
    InvalidInputException.check(theta.rank() == 1 && theta.length() == model.numParameters,
        "theta shape (%s) must be [%d]", Arrays.toString(theta.shape()), model.numParameters);
    InvalidInputException.check(theta.dataType() == DataType.DOUBLE,
        "theta data type (%s) must be DOUBLE", theta.dataType());
  }

  static Mat ownedCopy(INDArray theta, int p) {
    return copyInto(theta, p, Mat.create(1, p));
  }

  /** Copies theta into dst (1 x p) without temporaries when theta is plain, and checks it. */
  static Mat copyInto(INDArray theta, int p, Mat dst) {
    if (!theta.isView() && theta.offset() == 0 && theta.dataType() == DataType.DOUBLE) {
      DoubleBuffer src = theta.data().asNioDouble();
      src.limit(p);
      dst.b.duplicate().put(src);
    } else {
      dst.b.duplicate().put(theta.dup('c').data().asDouble());
    }
    for (int q = 0; q < p; q++) {
      double t = dst.b.get(q);
      if (!Double.isFinite(t)) {
        throw new InvalidInputException("theta[" + q + "] (" + t + ") must be finite");
      }
    }
    return dst;
  }

  /** The context ids of a feature matrix, checked to be integers in [0, V). */
  static int[] ids(CharNgramModel model, INDArray features) {
    double[] fx = features.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    int[] out = new int[fx.length];
    int k = model.context;
    for (int q = 0; q < fx.length; q++) {
      double val = fx[q];
      int id = (int) val;
      if (!(val == id && id >= 0 && id < model.vocab)) {
        throw new InvalidInputException(String.format(java.util.Locale.ROOT,
            "feature %d of row %d (%s) must be a character id, an integer in [0, %d)", q % k,
            q / k, val, model.vocab));
      }
      out[q] = id;
    }
    return out;
  }

  /** out[(i k + j) e + c] = table[off + ids[i k + j] e + c]: the embedding lookup. */
  static void gather(DoubleBuffer table, int off, int[] ids, int n, int k, int e, DoubleBuffer out) {
    int rows = n * k;
    for (int r = 0; r < rows; r++) {
      int src = off + ids[r] * e;
      int dst = r * e;
      for (int c = 0; c < e; c++) {
        out.put(dst + c, table.get(src + c));
      }
    }
  }

  /** table[off + ids[r] e + c] += in[r e + c] for every row r of the n k rows (block zeroed first). */
  static void scatter(DoubleBuffer in, int[] ids, int rows, int e, int vocab, DoubleBuffer table,
      int off) {
    for (int q = off; q < off + vocab * e; q++) {
      table.put(q, 0.0);
    }
    for (int r = 0; r < rows; r++) {
      int dst = off + ids[r] * e;
      int src = r * e;
      for (int c = 0; c < e; c++) {
        table.put(dst + c, table.get(dst + c) + in.get(src + c));
      }
    }
  }

  /** a = tanh(a + b1) in place; f = 1 - a^2. */
  private static void activate(DoubleBuffer a, DoubleBuffer th, int bOff, int n, int h,
      DoubleBuffer f) {
    for (int i = 0; i < n; i++) {
      int row = i * h;
      for (int c = 0; c < h; c++) {
        double t = Math.tanh(a.get(row + c) + th.get(bOff + c));
        a.put(row + c, t);
        f.put(row + c, 1 - t * t);
      }
    }
  }

  static void addBias(DoubleBuffer z, DoubleBuffer th, int bOff, int n, int cols) {
    for (int i = 0; i < n; i++) {
      int row = i * cols;
      for (int c = 0; c < cols; c++) {
        z.put(row + c, z.get(row + c) + th.get(bOff + c));
      }
    }
  }

  /** s = softmax(z) (max subtracted), losses = logsumexp - z_y, d = (s - onehot) invN. */
  private static void softmax(DoubleBuffer z, int n, int v, int[] y, DoubleBuffer s,
      DoubleBuffer d, double[] losses, double invN) {
    for (int i = 0; i < n; i++) {
      int row = i * v;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < v; c++) {
        max = Math.max(max, z.get(row + c));
      }
      double sum = 0;
      for (int c = 0; c < v; c++) {
        double ex = Math.exp(z.get(row + c) - max);
        s.put(row + c, ex);
        sum += ex;
      }
      losses[i] = max + Math.log(sum) - z.get(row + y[i]);
      double inv = 1 / sum;
      for (int c = 0; c < v; c++) {
        double sc = s.get(row + c) * inv;
        s.put(row + c, sc);
        d.put(row + c, (sc - (c == y[i] ? 1.0 : 0.0)) * invN);
      }
    }
  }

  private static void colSums(DoubleBuffer mat, int rows, int cols, DoubleBuffer out, int off) {
    double[] acc = new double[cols];
    for (int i = 0; i < rows; i++) {
      int row = i * cols;
      for (int c = 0; c < cols; c++) {
        acc[c] += mat.get(row + c);
      }
    }
    for (int c = 0; c < cols; c++) {
      out.put(off + c, acc[c]);
    }
  }

  /** The logits of features under theta: gather and the forward pass, no labels. */
  static INDArray logits(CharNgramModel model, INDArray theta, INDArray features) {
    checkTheta(model, theta);
    InvalidInputException.check(features != null && features.rank() == 2
        && features.columns() == model.context && features.rows() > 0,
        "features shape (%s) must be n x %d with n >= 1",
        features == null ? "null" : Arrays.toString(features.shape()), model.context);
    int n = (int) features.rows();
    int[] ids = ids(model, features);
    Mat th = ownedCopy(theta, model.numParameters);
    int ke = model.context * model.embedding;
    int h = model.hidden;
    Mat x = Mat.create(n, ke);
    gather(th.b, 0, ids, n, model.context, model.embedding, x.b);
    Mat a = Mat.create(n, h);
    Nd4j.gemm(x.arr, th.view(model.w1Off, ke, h), a.arr, false, false, 1.0, 0.0);
    for (int q = 0, len = n * h; q < len; q++) {
      a.b.put(q, Math.tanh(a.b.get(q) + th.b.get(model.b1Off + q % h)));
    }
    Mat z = Mat.create(n, model.vocab);
    Nd4j.gemm(a.arr, th.view(model.w2Off, h, model.vocab), z.arr, false, false, 1.0, 0.0);
    addBias(z.b, th.b, model.b2Off, n, model.vocab);
    return z.arr;
  }

  // ------------------------------------------------------------------ ModelPoint

  @Override
  public Model model() {
    return m;
  }

  @Override
  public INDArray parameters() {
    return theta;
  }

  @Override
  public Dataset data() {
    return data;
  }

  @Override
  public INDArray logits() {
    return z.arr.dup();
  }

  @Override
  public INDArray probabilities() {
    return s.arr.dup();
  }

  @Override
  public double loss() {
    double sum = 0;
    for (double l : losses) {
      sum += l;
    }
    double sq = 0;
    for (int q = 0; q < p; q++) {
      double t = th.b.get(q);
      sq += t * t;
    }
    return sum / n + 0.5 * m.l2() * sq;
  }

  @Override
  public INDArray perExampleLosses() {
    return Nd4j.createFromArray(losses.clone());
  }

  private void ensureBackward() {
    if (dx != null) {
      return;
    }
    Arena arena = new Arena((long) n * (2L * h + ke));
    e1 = arena.take(n, h);
    d1 = arena.take(n, h);
    Mat dxx = arena.take(n, ke);
    Nd4j.gemm(d2.arr, w2, e1.arr, false, true, 1.0, 0.0);
    for (int q = 0, len = n * h; q < len; q++) {
      d1.b.put(q, e1.b.get(q) * f.b.get(q));
    }
    Nd4j.gemm(d1.arr, w1, dxx.arr, false, true, 1.0, 0.0);
    dx = dxx;
  }

  /** Writes (scatter(dX), X^T dH, 1^T dH, A^T dZ, 1^T dZ) into the p-vector out. */
  private void parameterGradient(Mat dz, Mat dh, Mat dX, Mat out) {
    Nd4j.gemm(a.arr, dz.arr, out.view(m.w2Off, h, v), true, false, 1.0, 0.0);
    colSums(dz.b, n, v, out.b, m.b2Off);
    Nd4j.gemm(x.arr, dh.arr, out.view(m.w1Off, ke, h), true, false, 1.0, 0.0);
    colSums(dh.b, n, h, out.b, m.b1Off);
    scatter(dX.b, ctx, n * k, e, v, out.b, 0);
  }

  private static INDArray vector(Mat out) {
    return out.arr.reshape(out.arr.length());
  }

  @Override
  public INDArray gradient() {
    ensureBackward();
    Mat out = Mat.create(1, p);
    parameterGradient(d2, d1, dx, out);
    double l2 = m.l2();
    for (int q = 0; q < p; q++) {
      out.b.put(q, out.b.get(q) + l2 * th.b.get(q));
    }
    return vector(out);
  }

  @Override
  public INDArray backpropagate(INDArray logitGradients) {
    InvalidInputException.check(logitGradients != null && logitGradients.rank() == 2
        && logitGradients.rows() == n && logitGradients.columns() == v,
        "logit gradients (shape %s) must be n x k = %d x %d",
        logitGradients == null ? "null" : Arrays.toString(logitGradients.shape()), n, v);
    Mat u = Mat.create(n, v);
    u.b.duplicate().put(logitGradients.castTo(DataType.DOUBLE).dup('c').data().asDouble());
    Mat eh = Mat.create(n, h);
    Mat dh = Mat.create(n, h);
    Mat dX = Mat.create(n, ke);
    Nd4j.gemm(u.arr, w2, eh.arr, false, true, 1.0, 0.0);
    for (int q = 0, len = n * h; q < len; q++) {
      dh.b.put(q, eh.b.get(q) * f.b.get(q));
    }
    Nd4j.gemm(dh.arr, w1, dX.arr, false, true, 1.0, 0.0);
    Mat out = Mat.create(1, p);
    parameterGradient(u, dh, dX, out);
    return vector(out);
  }

  @Override
  public INDArray perExampleGradients() {
    long size = (long) n * p;
    InvalidInputException.check(size <= CharNgramModel.MAX_PER_EXAMPLE_ELEMENTS,
        "per-example gradient size (n x p = %d x %d = %d) must be <= %d; use a subset of rows",
        n, p, size, CharNgramModel.MAX_PER_EXAMPLE_ELEMENTS);
    ensureBackward();
    Mat out = Mat.zeros(n, p);
    DoubleBuffer o = out.b;
    for (int i = 0; i < n; i++) {
      int base = i * p;
      // E rows of the context ids (an id repeated in the context accumulates).
      for (int j = 0; j < k; j++) {
        int dst = base + ctx[i * k + j] * e;
        int src = (i * k + j) * e;
        for (int c = 0; c < e; c++) {
          o.put(dst + c, o.get(dst + c) + n * dx.b.get(src + c));
        }
      }
      for (int r = 0; r < ke; r++) {
        double xr = x.b.get(i * ke + r);
        int row = base + m.w1Off + r * h;
        for (int c = 0; c < h; c++) {
          o.put(row + c, xr * n * d1.b.get(i * h + c));
        }
      }
      for (int c = 0; c < h; c++) {
        o.put(base + m.b1Off + c, n * d1.b.get(i * h + c));
      }
      for (int r = 0; r < h; r++) {
        double ar = a.b.get(i * h + r);
        int row = base + m.w2Off + r * v;
        for (int c = 0; c < v; c++) {
          o.put(row + c, ar * n * d2.b.get(i * v + c));
        }
      }
      for (int c = 0; c < v; c++) {
        o.put(base + m.b2Off + c, n * d2.b.get(i * v + c));
      }
    }
    return out.arr;
  }

  // ------------------------------------------------------------------ R-operator

  @Override
  public INDArray hessianVectorProduct(INDArray dir) {
    return products(dir, true);
  }

  @Override
  public INDArray hessianVectorProduct(INDArray dir, INDArray out) {
    return checkOut(dir, out).assign(products(dir, true));
  }

  @Override
  public INDArray gaussNewtonVectorProduct(INDArray dir) {
    return products(dir, false);
  }

  @Override
  public INDArray gaussNewtonVectorProduct(INDArray dir, INDArray out) {
    return checkOut(dir, out).assign(products(dir, false));
  }

  private static INDArray checkOut(INDArray dir, INDArray out) {
    InvalidInputException.check(out != null && dir != null
        && Arrays.equals(out.shape(), dir.shape()), "out shape (%s) must equal v shape (%s)",
        out == null ? "null" : Arrays.toString(out.shape()),
        dir == null ? "null" : Arrays.toString(dir.shape()));
    return out;
  }

  /** Hessian (exact) or Gauss-Newton products, one R-pass per column of the block. */
  private INDArray products(INDArray dir, boolean exact) {
    InvalidInputException.check(dir != null, "v (null) must be an array");
    boolean ok = dir.rank() == 1 && dir.length() == p
        || dir.rank() == 2 && dir.rows() == p && dir.columns() >= 1;
    InvalidInputException.check(ok, "v shape (%s) must be [%d] or [%d, r]",
        Arrays.toString(dir.shape()), p, p);
    int r = dir.rank() == 1 ? 1 : (int) dir.columns();
    ensureBackward();
    if (ws == null) {
      ws = new Workspace();
    }
    double[] all = dir.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[] res = new double[all.length];
    for (int j = 0; j < r; j++) {
      for (int q = 0; q < p; q++) {
        ws.v.b.put(q, all[q * r + j]);
      }
      rpass(ws, exact);
      for (int q = 0; q < p; q++) {
        res[q * r + j] = ws.o.b.get(q);
      }
    }
    return Nd4j.create(res, dir.shape(), 'c');
  }

  /** Buffers of one R-pass, allocated once per point. */
  private final class Workspace {
    final Arena arena = new Arena(2L * p + (long) n * (2L * ke + 3L * h + CharNgramPoint.this.v));
    final Mat v = arena.take(1, p); // the direction
    final Mat o = arena.take(1, p);
    final INDArray vw1 = v.view(m.w1Off, ke, h);
    final INDArray vw2 = v.view(m.w2Off, h, CharNgramPoint.this.v);
    final Mat rx = arena.take(n, ke);
    final Mat rz1 = arena.take(n, h);
    final Mat ra = arena.take(n, h);
    final Mat rd2 = arena.take(n, CharNgramPoint.this.v);
    final Mat re1 = arena.take(n, h);
    final Mat rdx = arena.take(n, ke);
  }

  /**
   * One R-pass for the direction in ws.v into ws.o. Forward: RX = gather(V_E), R(Z1) = RX W1 + X
   * V_W1 + v_b1, R(A) = F R(Z1), R(Z) = R(A) W2 + A V_W2 + v_b2, R(D2) = (S R(Z) - S (S.R(Z)))/n.
   * Backward: R(g_W2) = A^T R(D2) [+ R(A)^T D2], R(E1) = R(D2) W2^T [+ D2 V_W2^T], R(D1) = R(E1) F
   * [+ E1 f''(Z1) R(Z1)], R(g_W1) = X^T R(D1) [+ RX^T D1], R(DX) = R(D1) W1^T [+ D1 V_W1^T],
   * R(g_E) = scatter(R(DX)); bracketed terms only for the exact Hessian.
   */
  private void rpass(Workspace w, boolean exact) {
    gather(w.v.b, 0, ctx, n, k, e, w.rx.b);
    Nd4j.gemm(w.rx.arr, w1, w.rz1.arr, false, false, 1.0, 0.0);
    Nd4j.gemm(x.arr, w.vw1, w.rz1.arr, false, false, 1.0, 1.0);
    for (int i = 0; i < n; i++) {
      int row = i * h;
      for (int c = 0; c < h; c++) {
        double rz = w.rz1.b.get(row + c) + w.v.b.get(m.b1Off + c);
        w.rz1.b.put(row + c, rz);
        w.ra.b.put(row + c, f.b.get(row + c) * rz);
      }
    }
    Nd4j.gemm(w.ra.arr, w2, w.rd2.arr, false, false, 1.0, 0.0);
    Nd4j.gemm(a.arr, w.vw2, w.rd2.arr, false, false, 1.0, 1.0);
    double invN = 1.0 / n;
    for (int i = 0; i < n; i++) {
      int row = i * v;
      double dot = 0;
      for (int c = 0; c < v; c++) {
        double rz = w.rd2.b.get(row + c) + w.v.b.get(m.b2Off + c);
        w.rd2.b.put(row + c, rz);
        dot += s.b.get(row + c) * rz;
      }
      for (int c = 0; c < v; c++) {
        w.rd2.b.put(row + c, s.b.get(row + c) * (w.rd2.b.get(row + c) - dot) * invN);
      }
    }
    // Backward.
    Nd4j.gemm(a.arr, w.rd2.arr, w.o.view(m.w2Off, h, v), true, false, 1.0, 0.0);
    if (exact) {
      Nd4j.gemm(w.ra.arr, d2.arr, w.o.view(m.w2Off, h, v), true, false, 1.0, 1.0);
    }
    colSums(w.rd2.b, n, v, w.o.b, m.b2Off);
    Nd4j.gemm(w.rd2.arr, w2, w.re1.arr, false, true, 1.0, 0.0);
    if (exact) {
      Nd4j.gemm(d2.arr, w.vw2, w.re1.arr, false, true, 1.0, 1.0);
    }
    for (int q = 0, len = n * h; q < len; q++) {
      double fq = f.b.get(q);
      double rd = w.re1.b.get(q) * fq;
      if (exact) {
        // f''(z) = -2 tanh(z) (1 - tanh(z)^2)
        rd += e1.b.get(q) * (-2 * a.b.get(q) * fq) * w.rz1.b.get(q);
      }
      w.re1.b.put(q, rd); // now R(D1)
    }
    Nd4j.gemm(x.arr, w.re1.arr, w.o.view(m.w1Off, ke, h), true, false, 1.0, 0.0);
    if (exact) {
      Nd4j.gemm(w.rx.arr, d1.arr, w.o.view(m.w1Off, ke, h), true, false, 1.0, 1.0);
    }
    colSums(w.re1.b, n, h, w.o.b, m.b1Off);
    Nd4j.gemm(w.re1.arr, w1, w.rdx.arr, false, true, 1.0, 0.0);
    if (exact) {
      Nd4j.gemm(d1.arr, w.vw1, w.rdx.arr, false, true, 1.0, 1.0);
    }
    scatter(w.rdx.b, ctx, n * k, e, v, w.o.b, 0);
    double l2 = m.l2();
    for (int q = 0; q < p; q++) {
      w.o.b.put(q, w.o.b.get(q) + l2 * w.v.b.get(q));
    }
  }
}

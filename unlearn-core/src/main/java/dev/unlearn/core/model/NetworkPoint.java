package dev.unlearn.core.model;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.core.internal.NioViews;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A {@link Network} evaluated at one &theta; on one batch. The forward pass runs in the
 * constructor (and again after {@link #reload}, which only the per-thread point of the Model
 * convenience methods uses: every other point stays at its &theta;); the backward pass (needed by
 * the gradient and every R-pass), the second-order activation terms (exact HVP only) and the work
 * buffers of the R-passes (per block width) are built on first use and kept.
 *
 * <p>Notation (layers l = 1..L, A<sub>0</sub> = X): Z<sub>l</sub> = A<sub>l-1</sub> W<sub>l</sub>
 * + b<sub>l</sub>, A<sub>l</sub> = f(Z<sub>l</sub>), S = softmax(Z<sub>L</sub>), D<sub>L</sub> = (S
 * - Y)/n, E<sub>l-1</sub> = D<sub>l</sub> W<sub>l</sub><sup>T</sup>, D<sub>l-1</sub> =
 * E<sub>l-1</sub> &#8857; f'(Z<sub>l-1</sub>). The R-operator (Pearlmutter 1994) differentiates
 * every line in direction v; a block of r directions runs as one stacked batch of n r rows.
 */
final class NetworkPoint implements ModelPoint {
  private final Model model;
  private final Network net;
  private INDArray theta; // replaced only by reload (the Model convenience methods' point)
  private final Dataset data;
  private final DataType type;
  private final boolean f64;
  private final double l2;
  private final int n;
  private final int numLayers;
  private final int[] s;

  private final INDArray owned; // an off-heap copy of theta, in the model's type
  private final IntBuffer labels; // a read-only view of the data's labels
  private final INDArray x; // features in the model's type (may be a view)
  private double lossSum; // Σ per-example losses, set by every forward pass
  private final double[] acc; // column-sum scratch
  private final BufferPool pool;
  private final Supplier<Lease> leaseFactory;

  /** The buffers this point computed into last; valid while {@code lease.owner} is this point. */
  Lease lease;
  private boolean backwardDone;
  private boolean curvatureDone;
  private boolean stale; // theta was reloaded (or a forward pass failed): recompute on next use
  private boolean refused; // the last reload's theta was refused: unusable until a good reload
  private Workspace ws; // blocks r > 1 (r = 1 uses the lease's)

  // The current lease's buffers, set by enter(); see Lease.
  private Buf th;
  private INDArray[] w;
  private Buf[] z;
  private Buf[] a;
  private Buf[] f1;
  private Buf sm;
  private Buf[] d;
  private Buf[] e;

  NetworkPoint(Model model, Network net, INDArray theta, Dataset data, double l2) {
    this.model = model;
    this.net = net;
    this.type = model.dataType();
    net.checkTheta(theta, type);
    net.checkData(data);
    this.theta = theta;
    this.data = data;
    this.f64 = type == DataType.DOUBLE;
    this.l2 = l2;
    this.n = data.size();
    this.numLayers = net.layers;
    this.s = net.sizes;
    this.pool = net.pool;
    this.owned = Nd4j.createUninitialized(type, new long[] {net.numParameters}, 'c');
    load(theta);
    this.labels = data.labelView();
    this.x = data.features(type);
    this.acc = new double[Arrays.stream(s).max().getAsInt()];
    this.leaseFactory = () -> new Lease(net, n, type);
    enter();
    exit();
  }

  /** Copies theta into the owned buffer, checking that every entry is finite. */
  private void load(INDArray theta) {
    if (isPlain(theta, type)) {
      if (f64) {
        NioViews.doubles(owned, 0).put(0, NioViews.doubles(theta, 1), 0, net.numParameters);
      } else {
        NioViews.floats(owned, 0).put(0, NioViews.floats(theta, 1), 0, net.numParameters);
      }
    } else {
      owned.assign(theta.castTo(type).reshape('c', new long[] {net.numParameters}));
    }
    int bad = -1;
    if (f64) {
      DoubleBuffer t = NioViews.doubles(owned, 0);
      for (int q = 0; q < net.numParameters && bad < 0; q++) {
        bad = Double.isFinite(t.get(q)) ? -1 : q;
      }
    } else {
      FloatBuffer t = NioViews.floats(owned, 0);
      for (int q = 0; q < net.numParameters && bad < 0; q++) {
        bad = Float.isFinite(t.get(q)) ? -1 : q;
      }
    }
    if (bad >= 0) { // the message only on failure: the convenience methods reload for every call
      throw new InvalidInputException(String.format(java.util.Locale.ROOT,
          "theta[%d] (%s) must be finite", bad, theta.getDouble(bad)));
    }
  }

  /**
   * Makes this point the point of {@code theta} on the same data, reusing its buffers (the {@link
   * Network#scratchPoint per-thread point} of the Model convenience methods): no allocation in
   * steady state. The next use recomputes the forward pass.
   */
  void reload(INDArray theta) {
    net.checkTheta(theta, type);
    refused = true; // until the copy has passed its check: the owned buffer may hold it already
    load(theta);
    this.theta = theta;
    refused = false;
    stale = true;
    // its lease and block workspace are kept, like any point's: one per thread per model, freed
    // with the model
  }

  /**
   * The off-heap buffers of one point of a network on n rows: the owned copy of &theta;, the forward
   * and backward intermediates, the curvature terms (exact HVP, on first use) and the R-pass
   * workspace of single directions (on first use), in one allocation each. Pooled by {@link
   * BufferPool}: owner, busy, fresh and lastUsed are guarded by the pool's monitor; the buffers
   * (and curv, ws1, grad, gradW, made on first use) are touched only by the point holding the
   * lease busy, between begin and end.
   */
  static final class Lease {
    final int n;
    final DataType type;
    final Buf th;
    final INDArray[] w;
    final Buf[] z;
    final Buf[] a;
    final Buf[] f1;
    final Buf sm;
    final Buf[] d;
    final Buf[] e;
    Buf[] curv;
    Workspace ws1;
    Buf grad; // the gradient, on first use
    INDArray[] gradW; // its weight blocks
    final double[] losses; // the owner's per-example losses, written by its forward pass
    WeakReference<NetworkPoint> owner = new WeakReference<>(null);
    boolean busy;
    boolean fresh; // set by begin(): handed to a new owner, whose forward pass must run
    long lastUsed;

    Lease(Network net, int n, DataType type) {
      this.n = n;
      this.type = type;
      this.losses = new double[n];
      int layers = net.layers;
      int[] s = net.sizes;
      long len = net.numParameters + 2L * n * s[layers] + (long) n * s[layers];
      for (int l = 1; l < layers; l++) {
        len += 5L * n * s[l]; // z, a, f1, e, d
      }
      Buf.Arena arena = new Buf.Arena(type, len);
      th = arena.take(1, net.numParameters);
      w = new INDArray[layers + 1];
      z = new Buf[layers + 1];
      a = new Buf[layers + 1];
      f1 = new Buf[layers + 1];
      d = new Buf[layers + 1];
      e = new Buf[layers + 1];
      for (int l = 1; l <= layers; l++) {
        w[l] = th.view(net.wOff[l], s[l - 1], s[l]).arr;
        z[l] = arena.take(n, s[l]);
        if (l < layers) {
          a[l] = arena.take(n, s[l]);
          f1[l] = arena.take(n, s[l]);
          e[l] = arena.take(n, s[l]);
          d[l] = arena.take(n, s[l]);
        }
      }
      sm = arena.take(n, s[layers]);
      d[layers] = arena.take(n, s[layers]);
    }
  }

  /**
   * Makes this point's buffers resident (taking a lease and running the forward pass if it has
   * none, or lost it to another point) and marks them in use until {@link #exit}.
   */
  private void enter() {
    if (refused) {
      throw new IllegalStateException("this point's last reload was refused; reload a valid theta");
    }
    Lease l = pool.begin(this, n, type, leaseFactory);
    boolean fresh = l.fresh || stale;
    lease = l;
    th = l.th;
    w = l.w;
    z = l.z;
    a = l.a;
    f1 = l.f1;
    sm = l.sm;
    d = l.d;
    e = l.e;
    if (fresh) {
      stale = true; // until the forward pass has completed: a failed one is rerun on next use
      try {
        forward();
        stale = false;
      } catch (Throwable ex) { // an off-heap OutOfMemoryError too: never leave the lease busy
        pool.end(l);
        throw ex;
      }
    }
  }

  private void exit() {
    pool.end(lease);
  }

  /** Fills th from the owned copy of theta, then the forward pass and the softmax head. */
  private void forward() {
    backwardDone = false;
    curvatureDone = false;
    if (f64) {
      th.d.put(0, NioViews.doubles(owned, 0), 0, net.numParameters);
    } else {
      th.f.put(0, NioViews.floats(owned, 0), 0, net.numParameters);
    }
    int k = s[numLayers];
    for (int l = 1; l <= numLayers; l++) {
      Gemm.gemm(input(l), w[l], z[l].arr, false, false, 1.0, 0.0);
      if (l < numLayers) {
        if (f64) {
          Kernels64.activate(net.activation, z[l].d, th.d, net.bOff[l], n, s[l], a[l].d, f1[l].d,
              acc);
        } else {
          if (net.activation == Activation.TANH) {
            FloatLoops.activateTanh(z[l].f, th.f, net.bOff[l], n, s[l], a[l].f, f1[l].f);
          } else {
            Kernels32.activate(net.activation, z[l].f, th.f, net.bOff[l], n, s[l], a[l].f,
                f1[l].f, acc);
          }
        }
      }
    }
    Buf zl = z[numLayers];
    if (f64) {
      Kernels64.softmax(zl.d, th.d, net.bOff[numLayers], n, k, labels, sm.d, d[numLayers].d, lease.losses, 1.0 / n);
    } else {
      FloatLoops.softmax(zl.f, th.f, net.bOff[numLayers], n, k, labels, sm.f, d[numLayers].f, lease.losses, 1.0 / n);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += lease.losses[i];
    }
    lossSum = sum;
  }

  /** Copies src (any shape with dst's length) into dst, casting if needed. */
  static void copyInto(INDArray src, Buf dst) {
    if (isPlain(src, dst.arr.dataType())) {
      if (dst.d != null) {
        dst.d.put(0, NioViews.doubles(src, 0), 0, dst.length);
      } else {
        dst.f.put(0, NioViews.floats(src, 0), 0, dst.length);
      }
    } else {
      dst.arr.assign(src.reshape('c', dst.arr.shape()));
    }
  }

  /** Copies src into dst (any shape with src's length, any data type) and returns dst. */
  static INDArray copyOut(Buf src, INDArray dst) {
    if (isPlain(dst, src.arr.dataType())) {
      if (src.d != null) {
        NioViews.doubles(dst, 0).put(0, src.d, 0, src.length);
      } else {
        NioViews.floats(dst, 0).put(0, src.f, 0, src.length);
      }
    } else {
      dst.assign(src.arr.reshape('c', dst.shape()));
    }
    return dst;
  }

  private static boolean isPlain(INDArray x, DataType type) {
    return x.dataType() == type && !x.isView() && x.offset() == 0
        && (x.rank() <= 1 || x.ordering() == 'c' || x.columns() == 1);
  }

  /** The logits of features under theta (no labels needed): the forward pass only. */
  static INDArray logits(Network net, INDArray theta, INDArray features, DataType type) {
    net.checkTheta(theta, type);
    net.checkFeatures(features);
    boolean f64 = type == DataType.DOUBLE;
    Buf th = Buf.copyOf(theta, 1, net.numParameters);
    INDArray in = features.dataType() == type ? features : features.castTo(type);
    int n = (int) in.rows();
    int[] s = net.sizes;
    for (int l = 1; l <= net.layers; l++) {
      Buf zl = Buf.create(type, n, s[l]);
      Gemm.gemm(in, th.view(net.wOff[l], s[l - 1], s[l]).arr, zl.arr, false, false, 1.0, 0.0);
      if (l < net.layers) {
        Buf al = Buf.create(type, n, s[l]);
        Buf scratch = Buf.create(type, n, s[l]);
        if (f64) {
          Kernels64.activate(net.activation, zl.d, th.d, net.bOff[l], n, s[l], al.d, scratch.d,
              new double[s[l]]);
        } else {
          if (net.activation == Activation.TANH) {
            FloatLoops.activateTanh(zl.f, th.f, net.bOff[l], n, s[l], al.f, scratch.f);
          } else {
            Kernels32.activate(net.activation, zl.f, th.f, net.bOff[l], n, s[l], al.f, scratch.f,
                new double[s[l]]);
          }
        }
        in = al.arr;
      } else {
        if (f64) {
          Kernels64.addBias(zl.d, th.d, net.bOff[l], n, s[l]);
        } else {
          Kernels32.addBias(zl.f, th.f, net.bOff[l], n, s[l]);
        }
        in = zl.arr;
      }
    }
    return in;
  }

  @Override
  public Model model() {
    return model;
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
    enter();
    try {
      return z[numLayers].arr.dup();
    } finally {
      exit();
    }
  }

  @Override
  public INDArray probabilities() {
    enter();
    try {
      return sm.arr.dup();
    } finally {
      exit();
    }
  }

  @Override
  public double loss() {
    if (stale || refused) { // reloaded since the last forward pass: run it
      enter();
      exit();
    }
    double sum = lossSum;
    double sq = 0;
    if (f64) {
      DoubleBuffer t = NioViews.doubles(owned, 0);
      for (int q = 0; q < net.numParameters; q++) {
        sq += t.get(q) * t.get(q);
      }
    } else {
      FloatBuffer t = NioViews.floats(owned, 0);
      for (int q = 0; q < net.numParameters; q++) {
        sq += (double) t.get(q) * t.get(q);
      }
    }
    return sum / n + 0.5 * l2 * sq;
  }

  @Override
  public INDArray perExampleLosses() {
    enter();
    try {
      return Nd4j.createFromArray(lease.losses.clone()).castTo(type);
    } finally {
      exit();
    }
  }

  private void ensureBackward() {
    if (backwardDone) {
      return;
    }
    for (int l = numLayers; l >= 2; l--) {
      Gemm.gemm(d[l].arr, w[l], e[l - 1].arr, false, true, 1.0, 0.0);
      int len = n * s[l - 1];
      if (f64) {
        Kernels64.mul(e[l - 1].d, f1[l - 1].d, d[l - 1].d, len);
      } else {
        FloatLoops.mul(e[l - 1].f, f1[l - 1].f, d[l - 1].f, len);
      }
    }
    backwardDone = true;
  }

  private void ensureCurvature() {
    if (curvatureDone) {
      return;
    }
    if (lease.curv == null) {
      Buf[] buffers = new Buf[numLayers + 1];
      if (net.activation != Activation.RELU && numLayers > 1) {
        long len = 0;
        for (int l = 1; l < numLayers; l++) {
          len += (long) n * s[l];
        }
        Buf.Arena arena = new Buf.Arena(type, len);
        for (int l = 1; l < numLayers; l++) {
          buffers[l] = arena.take(n, s[l]);
        }
      }
      lease.curv = buffers;
    }
    Buf[] c = lease.curv;
    if (net.activation != Activation.RELU) {
      for (int l = 1; l < numLayers; l++) {
        int len = n * s[l];
        if (f64) {
          Kernels64.curvature(net.activation, e[l].d, z[l].d, a[l].d, f1[l].d, len, c[l].d);
        } else {
          if (net.activation == Activation.TANH) {
            FloatLoops.curvatureTanh(e[l].f, a[l].f, f1[l].f, len, c[l].f);
          } else {
            Kernels32.curvature(net.activation, e[l].f, z[l].f, a[l].f, f1[l].f, len, c[l].f);
          }
        }
      }
    }
    curvatureDone = true;
  }

  private INDArray input(int l) {
    return l == 1 ? x : a[l - 1].arr;
  }

  @Override
  public INDArray gradient() {
    return gradient(Nd4j.createUninitialized(type, new long[] {net.numParameters}, 'c'));
  }

  @Override
  public INDArray gradient(INDArray out) {
    if (out == null || out.rank() != 1 || out.length() != net.numParameters) {
      throw new InvalidInputException(String.format(java.util.Locale.ROOT, // only on failure
          "out shape (%s) must be [%d]", out == null ? "null" : Arrays.toString(out.shape()),
          net.numParameters));
    }
    enter();
    try {
      return copyOut(computeGradient(), out);
    } finally {
      exit();
    }
  }

  /** The gradient into the lease's buffer (made on first use). */
  private Buf computeGradient() {
    ensureBackward();
    if (lease.grad == null) { // both set only once built: a failure part-way leaves neither
      Buf grad = Buf.create(type, 1, net.numParameters);
      INDArray[] gradW = new INDArray[numLayers + 1];
      for (int l = 1; l <= numLayers; l++) {
        gradW[l] = grad.view(net.wOff[l], s[l - 1], s[l]).arr;
      }
      lease.gradW = gradW;
      lease.grad = grad;
    }
    Buf g = lease.grad;
    for (int l = 1; l <= numLayers; l++) {
      Gemm.gemm(input(l), d[l].arr, lease.gradW[l], true, false, 1.0, 0.0);
      if (f64) {
        Kernels64.colSums(d[l].d, n, s[l], g.d, net.bOff[l], acc);
      } else {
        FloatLoops.colSums(d[l].f, n, s[l], g.f, net.bOff[l], acc);
      }
    }
    if (f64) {
      Kernels64.addScaled(g.d, th.d, l2, g.length);
    } else {
      Kernels32.addScaled(g.f, th.f, l2, g.length);
    }
    return g;
  }

  @Override
  public INDArray backpropagate(INDArray logitGradients) {
    int k = s[numLayers];
    InvalidInputException.check(logitGradients != null && logitGradients.rank() == 2
        && logitGradients.rows() == n && logitGradients.columns() == k,
        "logit gradients (shape %s) must be n x k = %d x %d",
        logitGradients == null ? "null" : Arrays.toString(logitGradients.shape()), n, k);
    enter();
    try {
      return computeBackpropagate(logitGradients);
    } finally {
      exit();
    }
  }

  private INDArray computeBackpropagate(INDArray logitGradients) {
    int k = s[numLayers];
    // The backward pass of gradient(), seeded with U instead of (S - Y)/n, into fresh buffers.
    Buf[] dd = new Buf[numLayers + 1];
    dd[numLayers] = Buf.copyOf(logitGradients.castTo(type), n, k);
    for (int l = numLayers; l >= 2; l--) {
      Buf el = Buf.create(type, n, s[l - 1]);
      dd[l - 1] = Buf.create(type, n, s[l - 1]);
      Gemm.gemm(dd[l].arr, w[l], el.arr, false, true, 1.0, 0.0);
      if (f64) {
        Kernels64.mul(el.d, f1[l - 1].d, dd[l - 1].d, n * s[l - 1]);
      } else {
        FloatLoops.mul(el.f, f1[l - 1].f, dd[l - 1].f, n * s[l - 1]);
      }
    }
    INDArray out = Nd4j.createUninitialized(type, new long[] {net.numParameters}, 'c');
    Buf g = Buf.at(out.data(), 0, 1, net.numParameters);
    for (int l = 1; l <= numLayers; l++) {
      Gemm.gemm(input(l), dd[l].arr, g.view(net.wOff[l], s[l - 1], s[l]).arr, true, false, 1.0,
          0.0);
      if (f64) {
        Kernels64.colSums(dd[l].d, n, s[l], g.d, net.bOff[l], acc);
      } else {
        FloatLoops.colSums(dd[l].f, n, s[l], g.f, net.bOff[l], acc);
      }
    }
    return out;
  }

  @Override
  public INDArray perExampleGradients() {
    long size = (long) n * net.numParameters;
    InvalidInputException.check(size <= Integer.MAX_VALUE,
        "per-example gradient size (n x p = %d) must be <= %d", size, Integer.MAX_VALUE);
    enter();
    try {
      return computePerExampleGradients();
    } finally {
      exit();
    }
  }

  private INDArray computePerExampleGradients() {
    ensureBackward();
    Buf out = Buf.create(type, n, net.numParameters);
    Buf x0 = Buf.copyOf(x, n, s[0]);
    for (int l = 1; l <= numLayers; l++) {
      Buf in = l == 1 ? x0 : a[l - 1];
      if (f64) {
        Kernels64.perExample(in.d, 0, s[l - 1], d[l].d, s[l], n, out.d, net.numParameters,
            net.wOff[l], net.bOff[l], n);
      } else {
        Kernels32.perExample(in.f, 0, s[l - 1], d[l].f, s[l], n, out.f, net.numParameters,
            net.wOff[l], net.bOff[l], n);
      }
    }
    return out.arr;
  }

  @Override
  public INDArray hessianVectorProduct(INDArray v) {
    return rop(v, null, true);
  }

  @Override
  public INDArray hessianVectorProduct(INDArray v, INDArray out) {
    return rop(v, checkOut(v, out), true);
  }

  @Override
  public INDArray gaussNewtonVectorProduct(INDArray v) {
    return rop(v, null, false);
  }

  @Override
  public INDArray gaussNewtonVectorProduct(INDArray v, INDArray out) {
    return rop(v, checkOut(v, out), false);
  }

  private int width(INDArray v) {
    int p = net.numParameters;
    InvalidInputException.check(v != null, "v (null) must be an array");
    boolean ok = v.rank() == 1 && v.length() == p || v.rank() == 2 && v.rows() == p && v.columns() >= 1;
    if (!ok) { // the message only on failure: this runs for every product
      throw new InvalidInputException(String.format(java.util.Locale.ROOT,
          "v shape (%s) must be [%d] or [%d, r]", Arrays.toString(v.shape()), p, p));
    }
    return v.rank() == 1 ? 1 : (int) v.columns();
  }

  private static INDArray checkOut(INDArray v, INDArray out) {
    if (!sameShape(v, out)) { // the message only on failure: this runs for every product
      throw new InvalidInputException(String.format(java.util.Locale.ROOT,
          "out shape (%s) must equal v shape (%s)",
          out == null ? "null" : Arrays.toString(out.shape()),
          v == null ? "null" : Arrays.toString(v.shape())));
    }
    return out;
  }

  private static boolean sameShape(INDArray v, INDArray out) {
    if (out == null || v == null || out.rank() != v.rank()) {
      return false;
    }
    for (int i = 0; i < v.rank(); i++) {
      if (out.size(i) != v.size(i)) {
        return false;
      }
    }
    return true;
  }

  /** The widest block of directions computed in one pass (wider blocks are chunked). */
  int maxBlockColumns() {
    return Workspace.maxColumns(net, n, type);
  }

  /** The R-pass: exact Hessian (exact = true) or Gauss-Newton products for a block of r directions. */
  private INDArray rop(INDArray v, INDArray out, boolean exact) {
    int r = width(v);
    int chunk = Workspace.maxColumns(net, n, type);
    if (r > chunk) { // a block whose workspace would pass the cap: its columns in chunks
      // chunks of one width (the last one overlaps the one before), so that the workspace is
      // allocated once for all of them
      // out may be v itself: a chunk that rereads columns already written keeps only the
      // products of the columns it has not (each product column depends on its own column only)
      INDArray result = out != null ? out : Nd4j.createUninitialized(type, v.shape(), 'c');
      for (int c0 = 0; c0 < r; c0 += chunk) {
        int c1 = Math.min(r, c0 + chunk);
        int from = c1 - chunk;
        INDArray part = rop(v.get(NDArrayIndex.all(), NDArrayIndex.interval(from, c1)), null,
            exact);
        result.get(NDArrayIndex.all(), NDArrayIndex.interval(c0, c1))
            .assign(part.get(NDArrayIndex.all(), NDArrayIndex.interval(c0 - from, chunk)));
      }
      return result;
    }
    enter();
    try {
      return computeRop(v, out, exact, r);
    } finally {
      exit();
    }
  }

  private INDArray computeRop(INDArray v, INDArray out, boolean exact, int r) {
    ensureBackward();
    Buf[] curv = null;
    if (exact) {
      ensureCurvature();
      curv = lease.curv;
    }
    Workspace k;
    if (r == 1) {
      if (lease.ws1 == null) {
        lease.ws1 = new Workspace(net, n, type, 1);
      }
      k = lease.ws1;
    } else {
      if (ws == null || ws.r != r) {
        ws = null; // release the old buffers before allocating
        ws = new Workspace(net, n, type, r);
      }
      k = ws;
    }
    copyInto(v, k.v);
    int p = net.numParameters;
    if (r > 1) {
      for (int l = 1; l <= numLayers; l++) {
        boolean second = exact && l >= 2;
        if (f64) {
          Kernels64.gatherWeights(k.v.d, r, net.wOff[l], s[l - 1], s[l], k.vp1[l].d,
              second ? k.vp2[l].d : null);
        } else {
          Kernels32.gatherWeights(k.v.f, r, net.wOff[l], s[l - 1], s[l], k.vp1[l].f,
              second ? k.vp2[l].f : null);
        }
      }
    }
    // Forward R-pass: R(Z_l) = R(A_{l-1}) W_l + A_{l-1} V_l + vb_l.
    for (int l = 1; l <= numLayers; l++) {
      INDArray vl = r == 1 ? k.vW[l] : k.vp1[l].arr;
      Gemm.gemm(input(l), vl, k.rzWide[l], false, false, 1.0, 0.0);
      if (l >= 2) {
        Gemm.gemm(k.ra[l - 1].arr, w[l], k.rz[l].arr, false, false, 1.0, 1.0);
      }
      if (l < numLayers) {
        if (f64) {
          Kernels64.rActivate(k.rz[l].d, k.v.d, net.bOff[l], r, n, s[l], f1[l].d, k.ra[l].d);
        } else {
          if (r == 1) {
            FloatLoops.rActivate(k.rz[l].f, k.v.f, net.bOff[l], n, s[l], f1[l].f, k.ra[l].f);
          } else {
            Kernels32.rActivate(k.rz[l].f, k.v.f, net.bOff[l], r, n, s[l], f1[l].f, k.ra[l].f);
          }
        }
      } else {
        if (f64) {
          Kernels64.rSoftmax(k.rz[l].d, k.v.d, net.bOff[l], r, n, s[l], sm.d, k.rd[l].d, 1.0 / n);
        } else {
          Kernels32.rSoftmax(k.rz[l].f, k.v.f, net.bOff[l], r, n, s[l], sm.f, k.rd[l].f, 1.0 / n);
        }
      }
    }
    // Backward R-pass: R(G_l) = A_{l-1}^T R(D_l) [+ R(A_{l-1})^T D_l],
    // R(D_{l-1}) = (R(D_l) W_l^T [+ D_l V_l^T]) * f' [+ E_{l-1} * f'' * R(Z_{l-1})].
    for (int l = numLayers; l >= 1; l--) {
      boolean second = exact && l >= 2;
      if (r == 1) {
        Gemm.gemm(input(l), k.rd[l].arr, k.oW[l], true, false, 1.0, 0.0);
        if (second) {
          Gemm.gemm(k.ra[l - 1].arr, d[l].arr, k.oW[l], true, false, 1.0, 1.0);
        }
        if (f64) {
          Kernels64.colSums(k.rd[l].d, n, s[l], k.o.d, net.bOff[l], acc);
        } else {
          FloatLoops.colSums(k.rd[l].f, n, s[l], k.o.f, net.bOff[l], acc);
        }
      } else {
        Gemm.gemm(input(l), k.rdWide[l], k.g1[l].arr, true, false, 1.0, 0.0);
        if (second) {
          Gemm.gemm(k.raWide[l - 1], d[l].arr, k.g2[l].arr, true, false, 1.0, 0.0);
        }
        if (f64) {
          Kernels64.colSums(k.rd[l].d, n, r * s[l], k.gb[l].d, 0, k.acc);
          Kernels64.scatterWeights(k.o.d, k.v.d, l2, r, net.wOff[l], s[l - 1], s[l], k.g1[l].d,
              second ? k.g2[l].d : null);
          Kernels64.scatterBias(k.o.d, k.v.d, l2, r, net.bOff[l], s[l], k.gb[l].d);
        } else {
          Kernels32.colSums(k.rd[l].f, n, r * s[l], k.gb[l].f, 0, k.acc);
          Kernels32.scatterWeights(k.o.f, k.v.f, l2, r, net.wOff[l], s[l - 1], s[l], k.g1[l].f,
              second ? k.g2[l].f : null);
          Kernels32.scatterBias(k.o.f, k.v.f, l2, r, net.bOff[l], s[l], k.gb[l].f);
        }
      }
      if (l >= 2) {
        Gemm.gemm(k.rd[l].arr, w[l], k.rd[l - 1].arr, false, true, 1.0, 0.0);
        if (exact) {
          if (r == 1) {
            Gemm.gemm(d[l].arr, k.vW[l], k.rd[l - 1].arr, false, true, 1.0, 1.0);
          } else {
            Gemm.gemm(d[l].arr, k.vp2[l].arr, k.rdWide[l - 1], false, false, 1.0, 1.0);
          }
        }
        Buf c = exact ? curv[l - 1] : null;
        if (f64) {
          Kernels64.rBackward(k.rd[l - 1].d, f1[l - 1].d, c == null ? null : c.d, k.rz[l - 1].d, n, r, s[l - 1]);
        } else {
          if (r == 1) {
            FloatLoops.rBackward(k.rd[l - 1].f, f1[l - 1].f, c == null ? null : c.f,
                k.rz[l - 1].f, n * s[l - 1]);
          } else {
            Kernels32.rBackward(k.rd[l - 1].f, f1[l - 1].f, c == null ? null : c.f, k.rz[l - 1].f, n, r, s[l - 1]);
          }
        }
      }
    }
    if (r == 1) {
      if (f64) {
        Kernels64.addScaled(k.o.d, k.v.d, l2, p);
      } else {
        Kernels32.addScaled(k.o.f, k.v.f, l2, p);
      }
    }
    return copyOut(k.o, out != null ? out : Nd4j.createUninitialized(type, v.shape(), 'c'));
  }

  /** Work buffers of the R-passes for blocks of r directions, in one allocation. */
  static final class Workspace {
    final int r;
    final Buf v; // p x r
    final Buf o; // p x r
    final Buf[] rz; // (n r) x s_l
    final Buf[] ra;
    final Buf[] rd;
    final INDArray[] rzWide; // n x (r s_l) views
    final INDArray[] raWide;
    final INDArray[] rdWide;
    final INDArray[] vW; // r == 1: W_l block of v
    final INDArray[] oW;
    final Buf[] vp1; // r > 1
    final Buf[] vp2;
    final Buf[] g1;
    final Buf[] g2;
    final Buf[] gb;
    final double[] acc;

    /** The workspace's size cap in bytes (2^30: a block product's columns are chunked to fit). */
    static final long MAX_BYTES = 1L << 30;

    /** Elements of a workspace for r columns. */
    static long length(Network net, int n, int r) {
      int[] s = net.sizes;
      long len = 2L * net.numParameters * r;
      for (int l = 1; l <= net.layers; l++) {
        len += (l < net.layers ? 3L : 2L) * n * r * s[l];
        if (r > 1) {
          len += 2L * r * s[l - 1] * s[l] + (long) r * s[l];
          if (l >= 2) {
            len += 2L * r * s[l - 1] * s[l];
          }
        }
      }
      return len;
    }

    /** The widest block whose workspace stays within {@link #MAX_BYTES} (at least 1). */
    static int maxColumns(Network net, int n, DataType type) {
      long perColumn = length(net, n, 2) / 2; // length is linear in r for r > 1
      long elements = MAX_BYTES / type.width();
      return (int) Math.max(1, Math.min(Integer.MAX_VALUE, elements / perColumn));
    }

    Workspace(Network net, int n, DataType type, int r) {
      this.r = r;
      int numLayers = net.layers;
      int[] s = net.sizes;
      int p = net.numParameters;
      int widest = Arrays.stream(s).max().getAsInt();
      InvalidInputException.check((long) n * r * widest <= Integer.MAX_VALUE && (long) p * r <= Integer.MAX_VALUE,
          "block width r (%d) must keep n x r x width (%d x %d x %d) and p x r below 2^31", r, n, r, widest);
      long len = length(net, n, r);
      Buf.Arena arena = new Buf.Arena(type, len);
      acc = new double[r * widest];
      int m = numLayers + 1;
      rz = new Buf[m];
      ra = new Buf[m];
      rd = new Buf[m];
      rzWide = new INDArray[m];
      raWide = new INDArray[m];
      rdWide = new INDArray[m];
      vW = new INDArray[m];
      oW = new INDArray[m];
      vp1 = new Buf[m];
      vp2 = new Buf[m];
      g1 = new Buf[m];
      g2 = new Buf[m];
      gb = new Buf[m];
      v = arena.take(p, r);
      o = arena.take(p, r);
      for (int l = 1; l <= numLayers; l++) {
        rz[l] = arena.take((long) n * r, s[l]);
        rzWide[l] = rz[l].view(0, n, (long) r * s[l]).arr;
        rd[l] = arena.take((long) n * r, s[l]);
        rdWide[l] = rd[l].view(0, n, (long) r * s[l]).arr;
        if (l < numLayers) {
          ra[l] = arena.take((long) n * r, s[l]);
          raWide[l] = ra[l].view(0, n, (long) r * s[l]).arr;
        }
        if (r == 1) {
          vW[l] = v.view(net.wOff[l], s[l - 1], s[l]).arr;
          oW[l] = o.view(net.wOff[l], s[l - 1], s[l]).arr;
        } else {
          vp1[l] = arena.take(s[l - 1], (long) r * s[l]);
          g1[l] = arena.take(s[l - 1], (long) r * s[l]);
          gb[l] = arena.take(1, (long) r * s[l]);
          if (l >= 2) {
            vp2[l] = arena.take(s[l], (long) r * s[l - 1]);
            g2[l] = arena.take((long) r * s[l - 1], s[l]);
          }
        }
      }
    }
  }
}

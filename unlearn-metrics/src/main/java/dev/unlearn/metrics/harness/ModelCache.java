package dev.unlearn.metrics.harness;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.core.train.TrainingResult;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An on-disk cache of trained parameter vectors (the harness's original and retrained models), one
 * file per model, keyed by the SHA-256 of a canonical text of everything that determines the
 * training: {@link #LIBRARY_VERSION}, the kind ("original" or "retrained"), the model family (class,
 * name, L2, data type, p), every field of the recipe (the seed normalised to 0 where it cannot matter:
 * L-BFGS from zeros), a SHA-256 of the training data's content (features bit for bit, labels, number
 * of classes) and the sorted rows left out.
 *
 * <pre>{@code
 * ModelCache cache = ModelCache.in(Path.of("unlearn-out/cache"));
 * String key = ModelCache.key("retrained", model, recipe.withSeed(s), train, forgetRows);
 * Optional<ModelCache.Entry> hit = cache.load(key, model);
 * }</pre>
 *
 * <p>Files are {@code <key>.bin} (a magic word, the format version, the key, p, the recorded training
 * wall and CPU time and cost, then p doubles) beside {@code <key>.txt} (the key's text, for people). Writes go to a
 * temporary file that is then moved into place, so a concurrent reader never sees half a file; a
 * file that is unreadable, whose key or length disagrees, whose SHA-256 (stored at its end, over
 * every byte before it) does not match its content, or whose parameters are not finite is ignored
 * with a warning naming the file (a miss: the model is trained again and the file overwritten).
 * Parameters are stored as double (float32 parameters round-trip exactly). {@link #disabled()} never
 * hits and never writes; {@link #inMemory()} keeps entries in this object only (for several harness
 * runs in one process that must not train the same model twice, without writing files).
 *
 * <p>{@link #obtain} is the one place where the harness and the tasks built on it train a model or
 * load it: the key, the training, the timing and the store in one call.
 */
public final class ModelCache {
  /**
   * The library version that enters every key. Bump it whenever a change to the models or the
   * trainer changes what training produces, so that stale files are not reused.
   */
  public static final String LIBRARY_VERSION = "0.1.0-harness-1";
  private static final long MAGIC = 0x554E4C524E4D4443L; // "UNLRNMDC"
  private static final int FORMAT = 3; // 3: a SHA-256 of the whole record at its end
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

  private final Path directory;
  /** Entries of an in-memory cache; null for the others. */
  private final Map<String, Entry> memory;

  private ModelCache(Path directory, Map<String, Entry> memory) {
    this.directory = directory;
    this.memory = memory;
  }

  /** A cache in this directory (created on the first write). */
  public static ModelCache in(Path directory) {
    InvalidInputException.check(directory != null, "cache directory must not be null");
    return new ModelCache(directory, null);
  }

  /** A cache that never hits and never writes. */
  public static ModelCache disabled() {
    return new ModelCache(null, null);
  }

  /** A cache held in this object only: nothing is written, and it is gone with the object. */
  public static ModelCache inMemory() {
    return new ModelCache(null, new ConcurrentHashMap<>());
  }

  /** Whether this cache keeps entries (on disk or in memory). */
  public boolean enabled() {
    return directory != null || memory != null;
  }

  /**
   * A model trained or loaded by {@link #obtain}.
   *
   * @param key the cache key
   * @param entry the parameters and the recorded cost of training them
   * @param fromCache whether it was loaded rather than trained by this call
   */
  public record Obtained(String key, Entry entry, boolean fromCache) {}

  /**
   * The model of this kind trained with {@code recipe} on {@code training} without
   * {@code leftOutRows}: loaded when the cache has it, otherwise trained with {@link Trainer} on
   * this thread (its wall and CPU time recorded) and stored.
   */
  public Obtained obtain(String kind, Model model, TrainingRecipe recipe, Dataset training,
      int[] leftOutRows) {
    String key = key(kind, model, recipe, training, leftOutRows);
    Optional<Entry> hit = load(key, model);
    if (hit.isPresent()) {
      return new Obtained(key, hit.get(), true);
    }
    Dataset data = leftOutRows.length == 0 ? training : training.without(leftOutRows);
    long cpu0 = cpuNanos();
    TrainingResult t = Trainer.train(model, data, recipe);
    double cpu = (cpuNanos() - cpu0) * 1e-9;
    Entry e = new Entry(t.parameters().toDoubleVector(), t.cost().seconds(), cpu,
        t.cost().gradientEvaluations(), t.converged());
    store(key, describe(kind, model, recipe, training, leftOutRows), e);
    return new Obtained(key, e, false);
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** The current thread's CPU time, or the wall clock where the JVM cannot measure it. */
  static long cpuNanos() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime()
        : System.nanoTime();
  }

  /** The directory, if enabled. */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  /**
   * A trained parameter vector and what its training cost when it was trained.
   *
   * @param parameters &theta; as double (a copy is kept and returned)
   * @param trainSeconds the wall time of the training run that produced it
   * @param cpuSeconds the CPU time of the training thread during that run
   * @param gradientEquivalents its full-batch gradient evaluations, in units of the set it was
   *     trained on
   * @param converged whether the trainer reported convergence
   */
  public record Entry(double[] parameters, double trainSeconds, double cpuSeconds,
      double gradientEquivalents, boolean converged) implements java.io.Serializable {
    public Entry {
      parameters = parameters.clone();
    }

    @Override
    public double[] parameters() {
      return parameters.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && Arrays.equals(parameters, e.parameters)
          && Double.compare(trainSeconds, e.trainSeconds) == 0
          && Double.compare(cpuSeconds, e.cpuSeconds) == 0
          && Double.compare(gradientEquivalents, e.gradientEquivalents) == 0
          && converged == e.converged;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(parameters) * 31 + Double.hashCode(trainSeconds);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "Entry[p=%d, %.3f s]", parameters.length, trainSeconds);
    }
  }

  /** The canonical text whose SHA-256 is the key (see the class comment). */
  public static String describe(String kind, Model model, TrainingRecipe recipe, Dataset training,
      int[] leftOutRows) {
    int[] rows = leftOutRows.clone();
    Arrays.sort(rows);
    long seed = recipe.optimizer() == TrainingRecipe.Optimizer.LBFGS
        && recipe.initialization() == TrainingRecipe.Initialization.ZEROS ? 0 : recipe.seed();
    return String.join("\n",
        "unlearn model cache, library " + LIBRARY_VERSION,
        "kind=" + kind,
        "model=" + model.getClass().getName() + "|" + model.name() + "|l2="
            + Double.toHexString(model.l2()) + "|type=" + model.dataType() + "|p="
            + model.numParameters(),
        String.format(Locale.ROOT,
            "recipe=%s|maxIterations=%d|gtol=%s|memory=%d|epochs=%d|batch=%d|lr=%s|momentum=%s|init=%s|seed=%d",
            recipe.optimizer(), recipe.maxIterations(), Double.toHexString(recipe.gradientTolerance()),
            recipe.lbfgsMemory(), recipe.epochs(), recipe.batchSize(),
            Double.toHexString(recipe.learningRate()), Double.toHexString(recipe.momentum()),
            recipe.initialization(), seed),
        "data=" + contentHash(training),
        "left-out=" + rows.length + ":" + sha256(intBytes(rows)),
        "");
  }

  /** The key: the hex SHA-256 of {@link #describe}. */
  public static String key(String kind, Model model, TrainingRecipe recipe, Dataset training,
      int[] leftOutRows) {
    return sha256(describe(kind, model, recipe, training, leftOutRows)
        .getBytes(StandardCharsets.UTF_8));
  }

  /** The hex SHA-256 of a data set's content: n, d, k, every feature's bits (row-major), labels. */
  public static String contentHash(Dataset data) {
    double[] x = data.features().castTo(DataType.DOUBLE).dup('c').data().asDouble();
    ByteBuffer b = ByteBuffer.allocate(12 + 8 * x.length + 4 * data.size());
    b.putInt(data.size()).putInt(data.numFeatures()).putInt(data.numClasses());
    for (double v : x) {
      b.putLong(Double.doubleToLongBits(v));
    }
    for (int i = 0; i < data.size(); i++) {
      b.putInt(data.label(i));
    }
    return sha256(b.array());
  }

  /** The cached entry for this key, if there is a valid one with the model's p. */
  public Optional<Entry> load(String key, Model model) {
    if (memory != null) {
      Entry e = memory.get(key);
      return e != null && e.parameters.length == model.numParameters() ? Optional.of(e)
          : Optional.empty();
    }
    if (directory == null) {
      return Optional.empty();
    }
    Path file = directory.resolve(key + ".bin");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    MessageDigest sha = sha256Digest();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
        DigestInputStream digesting = new DigestInputStream(in, sha);
        DataInputStream d = new DataInputStream(digesting)) {
      if (d.readLong() != MAGIC || d.readInt() != FORMAT || !d.readUTF().equals(key)) {
        LOG.warn("ignoring cache file {}: wrong header", file);
        return Optional.empty();
      }
      int p = d.readInt();
      if (p != model.numParameters()) {
        LOG.warn("ignoring cache file {}: {} parameters, expected {}", file, p,
            model.numParameters());
        return Optional.empty();
      }
      double seconds = d.readDouble();
      double cpu = d.readDouble();
      double ge = d.readDouble();
      boolean converged = d.readBoolean();
      double[] theta = new double[p];
      for (int i = 0; i < p; i++) {
        theta[i] = d.readDouble();
      }
      byte[] computed = sha.digest();
      digesting.on(false);
      byte[] stored = new byte[computed.length];
      d.readFully(stored);
      if (!MessageDigest.isEqual(computed, stored) || d.read() != -1) {
        LOG.warn("ignoring cache file {}: checksum mismatch (the file was changed or damaged "
            + "after it was written); the model is trained again and the file rewritten", file);
        return Optional.empty();
      }
      for (int i = 0; i < p; i++) {
        if (!Double.isFinite(theta[i])) {
          LOG.warn("ignoring cache file {}: theta[{}] ({}) is not finite; the model is trained "
              + "again and the file rewritten", file, i, theta[i]);
          return Optional.empty();
        }
      }
      return Optional.of(new Entry(theta, seconds, cpu, ge, converged));
    } catch (IOException e) {
      LOG.warn("ignoring unreadable cache file {}: {}", file, e.toString());
      return Optional.empty();
    }
  }

  /**
   * Stores an entry under this key (and its description beside it). I/O errors are logged and
   * ignored: the cache only saves time.
   */
  public void store(String key, String description, Entry entry) {
    if (memory != null) {
      memory.put(key, entry);
      return;
    }
    if (directory == null) {
      return;
    }
    try {
      Files.createDirectories(directory);
      Path tmp = Files.createTempFile(directory, key, ".tmp");
      MessageDigest sha = sha256Digest();
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp));
          DigestOutputStream digesting = new DigestOutputStream(out, sha);
          DataOutputStream d = new DataOutputStream(digesting)) {
        d.writeLong(MAGIC);
        d.writeInt(FORMAT);
        d.writeUTF(key);
        double[] theta = entry.parameters;
        d.writeInt(theta.length);
        d.writeDouble(entry.trainSeconds());
        d.writeDouble(entry.cpuSeconds());
        d.writeDouble(entry.gradientEquivalents());
        d.writeBoolean(entry.converged());
        for (double v : theta) {
          d.writeDouble(v);
        }
        d.flush();
        digesting.on(false);
        d.write(sha.digest());
      }
      Files.writeString(directory.resolve(key + ".txt"), description, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, directory.resolve(key + ".bin"), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, directory.resolve(key + ".bin"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      LOG.warn("could not write cache entry {} in {}: {}", key, directory, e.toString());
    }
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  private static byte[] intBytes(int[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length);
    for (int x : v) {
      b.putInt(x);
    }
    return b.array();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}

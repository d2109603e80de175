package dev.unlearn.benchmarks.jmh;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.spark.DistributedData;
import dev.unlearn.spark.DistributedModel;
import dev.unlearn.spark.SyntheticBlocks;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Hessian-vector product of softmax regression (d = 50, k = 10, p = 510, &lambda; = 1e-4) on n
 * synthetic rows: {@link #distributed} through {@code unlearn-spark} in {@code local[2]} (one Spark
 * job, 2 tasks at a time, blocks of n/8 rows generated on the executors), {@link #inMemory} with the
 * same model on the same rows in one JVM. Run with {@code OMP_NUM_THREADS=1}: the in-memory product
 * then uses one core and the distributed one two. Spark is not in benchmarks.jar (provided scope);
 * put it on the class path:
 *
 * <pre>
 * mvn -q -pl unlearn-spark dependency:build-classpath -Dmdep.outputFile=/tmp/spark.cp
 * OMP_NUM_THREADS=1 java -Xmx2g -cp unlearn-benchmarks/target/benchmarks.jar:$(cat /tmp/spark.cp) \
 *   org.openjdk.jmh.Main SparkBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx12g", "-Dorg.bytedeco.javacpp.maxbytes=8g",
    "-Dorg.bytedeco.javacpp.maxphysicalbytes=21g", "-XX:+IgnoreUnrecognizedVMOptions",
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
    "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
    "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class SparkBenchmark {
  @Param({"500000", "2000000", "5000000"})
  int rows;

  JavaSparkContext sc;
  DistributedData data;
  ModelPoint distributedPoint;
  ModelPoint memoryPoint;
  INDArray v;

  @Setup(Level.Trial)
  public void setUp() {
    sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("SparkBenchmark")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1"));
    sc.setLogLevel("WARN");
    int blocks = 8;
    Model model = LogisticRegression.of(50, 10).withL2(1e-4);
    data = SyntheticBlocks.distributed(sc, rows, 50, 10, blocks, 1);
    INDArray theta = model.initialParameters(2);
    v = Nd4j.rand(DataType.DOUBLE, model.numParameters()).subi(0.5);
    distributedPoint = DistributedModel.of(model, data).at(theta, data.index());
    Dataset mem = SyntheticBlocks.inMemory(rows, 50, 10, blocks, 1);
    memoryPoint = model.at(theta, mem);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    data.close();
    sc.stop();
  }

  @Benchmark
  public INDArray distributed() {
    return distributedPoint.hessianVectorProduct(v);
  }

  @Benchmark
  public INDArray inMemory() {
    return memoryPoint.hessianVectorProduct(v);
  }
}

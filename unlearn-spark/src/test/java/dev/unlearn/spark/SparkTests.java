package dev.unlearn.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One local[2] Spark context for the module's tests, and the relative error they measure. */
final class SparkTests {
  private static JavaSparkContext context;

  private SparkTests() {}

  static synchronized JavaSparkContext context() {
    if (context == null) {
      SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("unlearn-spark-tests")
          .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
          .set("spark.driver.bindAddress", "127.0.0.1");
      context = new JavaSparkContext(conf);
      Runtime.getRuntime().addShutdownHook(new Thread(context::stop));
    }
    return context;
  }

  /** |a - b| / |b| (Frobenius), or |a - b| when b is 0. */
  static double relative(INDArray a, INDArray b) {
    double diff = a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
        .sub(b.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)).norm2Number().doubleValue();
    double scale = b.norm2Number().doubleValue();
    return scale == 0 ? diff : diff / scale;
  }
}

package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.api.Dataset;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.model.LogisticRegression;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class OwnModelsTest {
  @Test
  void aDl4jNetworkIsUnlearnedWithoutBeingModified() {
    MultiLayerNetwork net = OwnModels.digitsMlp();
    OwnModels.Outcome o = OwnModels.dl4jNetwork(net);
    // The network keeps the parameters DL4J trained; the result is a new vector.
    assertEquals(0.0, net.params().reshape(o.original().length()).distance2(o.original()));
    double before = OwnModels.distance(o.original(), o.retrained());
    double after = OwnModels.distance(o.unlearned(), o.retrained());
    System.out.printf("DL4J: distance to retraining %.4f -> %.4f%n", before, after);
    assertTrue(Double.isFinite(after) && after > 0, "a finite new vector");
    // The unlearned network back in DL4J: DL4J's evaluation of it against the library's accuracy
    // of the same parameters (argmax of the model's logits).
    double dl4j = OwnModels.dl4jTestAccuracy(o);
    Dataset test = Digits.standardSplit().test();
    INDArray predicted = o.model().logits(o.unlearned(), test.features(DataType.DOUBLE))
        .argMax(1);
    int correct = 0;
    for (int i = 0; i < test.size(); i++) {
      correct += predicted.getInt(i) == test.label(i) ? 1 : 0;
    }
    System.out.printf("DL4J test accuracy of the unlearned network %.4f%n", dl4j);
    assertEquals((double) correct / test.size(), dl4j, 1e-12);
  }

  @Test
  void theBaseClassModelIsTheLibrarysSoftmaxRegressionAndNewtonNearlyRetrains() {
    // Oracle: the library's exact LogisticRegression has the same layout and objective.
    Dataset train = Digits.standardSplit().train();
    SoftmaxRegression own = new SoftmaxRegression(64, 10);
    INDArray theta = LogisticRegression.of(64, 10).initialParameters(5).addi(0.01);
    INDArray g1 = own.withL2(1e-3).gradient(theta, train);
    INDArray g2 = LogisticRegression.of(64, 10).withL2(1e-3).gradient(theta, train);
    assertTrue(g1.distance2(g2) <= 1e-12 * g2.norm2Number().doubleValue());
    OwnModels.Outcome o = OwnModels.baseClass();
    double before = OwnModels.distance(o.original(), o.retrained());
    double after = OwnModels.distance(o.unlearned(), o.retrained());
    System.out.printf("base class: distance to retraining %.5f -> %.5f%n", before, after);
    assertTrue(after < before / 5, "one Newton step removes most of the forget set's pull");
    // The same Newton step on the exact model, from the same original: the base class's
    // finite-difference curvature products change the result by far less than the step itself.
    INDArray exact = dev.unlearn.core.registry.Unlearners.forName("newton").unlearn(
        dev.unlearn.api.UnlearningRequest.builder(LogisticRegression.of(64, 10).withL2(1e-3),
            o.original(), train).forgetRows(dev.unlearn.core.data.ForgetSets.randomFraction(train,
            0.05, 1)).recipe(dev.unlearn.api.TrainingRecipe.lbfgs(1e-8)).seed(7).build())
        .parameters();
    double gap = OwnModels.distance(o.unlearned(), exact);
    System.out.printf("base class vs exact model Newton step: %.2e%n", gap);
    assertTrue(gap < 1e-6, "the same step as the exact model's");
  }
}

package example;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.api.UnlearningRequest;
import dev.unlearn.core.data.Digits;
import dev.unlearn.core.data.ForgetSets;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.registry.Unlearners;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.dl4j.Dl4jModel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.nd4j.evaluation.classification.Evaluation;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

public class OwnModels {
  /** What an unlearning run gave, beside retraining from scratch without the forgotten rows. */
  public record Outcome(INDArray original, INDArray unlearned, INDArray retrained, Model model) {}

  /** Route 1: a DL4J network, trained by DL4J, unlearned by "finetune" through Dl4jModel. */
  public static Outcome dl4jNetwork(MultiLayerNetwork net) {
    Split digits = Digits.standardSplit();
    Dataset train = digits.train();
    // Train it the DL4J way: 20 epochs of full-batch Adam through net.fit.
    DataSet all = new DataSet(train.features(DataType.DOUBLE), train.oneHotLabels(DataType.DOUBLE));
    for (int epoch = 0; epoch < 20; epoch++) {
      net.fit(all);
    }
    Dl4jModel model = Dl4jModel.of(net);             // net itself is never modified
    INDArray theta = model.parameters();             // net.params() (less BatchNorm statistics)
    int[] forget = ForgetSets.randomFraction(train, 0.05, 1);
    TrainingRecipe recipe = TrainingRecipe.adam(20, 64, 3e-3, 0);
    UnlearningRequest request = UnlearningRequest.builder(model, theta, train)
        .forgetRows(forget).recipe(recipe).seed(7).build();
    INDArray unlearned = Unlearners.forName("finetune").unlearn(request).parameters();
    INDArray retrained = Trainer.train(model, train.without(forget), recipe).parameters();
    return new Outcome(theta, unlearned, retrained, model);
  }

  /** The unlearned network back as DL4J's own, evaluated by DL4J on the test rows. */
  public static double dl4jTestAccuracy(Outcome o) {
    MultiLayerNetwork unlearned = ((Dl4jModel) o.model()).toMultiLayerNetwork(o.unlearned());
    Dataset test = Digits.standardSplit().test();
    INDArray probabilities = unlearned.output(test.features(DataType.DOUBLE), false);
    Evaluation e = new Evaluation(10);
    e.eval(test.oneHotLabels(DataType.DOUBLE), probabilities);
    return e.accuracy();
  }

  /** The network of route 1: dense tanh 64 -> 32, softmax 10, float64. */
  public static MultiLayerNetwork digitsMlp() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(3).dataType(DataType.DOUBLE).updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER)
        .list()
        .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(32).nOut(10)
            .activation(Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** Route 2: the minimal base class, unlearned by a Newton step on its Gauss-Newton products. */
  public static Outcome baseClass() {
    Split digits = Digits.standardSplit();
    Dataset train = digits.train();
    Model model = new SoftmaxRegression(64, 10).withL2(1e-3);
    TrainingRecipe recipe = TrainingRecipe.lbfgs(1e-8);
    INDArray theta = Trainer.train(model, train, recipe).parameters();
    int[] forget = ForgetSets.randomFraction(train, 0.05, 1);
    UnlearningRequest request = UnlearningRequest.builder(model, theta, train)
        .forgetRows(forget).recipe(recipe).seed(7).build();
    INDArray unlearned = Unlearners.forName("newton").unlearn(request).parameters();
    INDArray retrained = Trainer.train(model, train.without(forget), recipe).parameters();
    return new Outcome(theta, unlearned, retrained, model);
  }

  public static void main(String[] args) {
    for (Outcome o : new Outcome[] {dl4jNetwork(digitsMlp()), baseClass()}) {
      System.out.printf("%s: distance to retraining %.4f (original %.4f)%n", o.model().name(),
          distance(o.unlearned(), o.retrained()), distance(o.original(), o.retrained()));
    }
  }

  public static double distance(INDArray a, INDArray b) {
    return a.distance2(b) / b.norm2Number().doubleValue();
  }
}

package dev.unlearn.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.ModelPoint;
import dev.unlearn.core.data.SyntheticData;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code Dl4jModel.of(ComputationGraph)} against the MultiLayerNetwork adapter of the same MLP
 * given the same weights (parameters matched by name): the same logits, loss and gradient; and the
 * graph left unchanged.
 */
class Dl4jGraphTest {
  @Test
  void aGraphMlpMatchesTheSameMultiLayerNetworkParameterByParameter() {
    MultiLayerNetwork mln = Networks.mlp(6, 5, 3, 1);
    ComputationGraph graph = Networks.graphMlp(6, 5, 3, 2);
    graph.setParam("hidden_W", mln.getParam("0_W"));
    graph.setParam("hidden_b", mln.getParam("0_b"));
    graph.setParam("out_W", mln.getParam("1_W"));
    graph.setParam("out_b", mln.getParam("1_b"));
    INDArray before = graph.params().dup();
    Model a = Dl4jModel.of(mln).withL2(1e-2);
    Model b = Dl4jModel.of(graph).withL2(1e-2);
    Dataset d = SyntheticData.generate(30, 6, 3, 8).train();
    INDArray ta = mln.params().dup().reshape(a.numParameters());
    INDArray tb = graph.params().dup().reshape(b.numParameters());
    ModelPoint pa = a.at(ta, d);
    ModelPoint pb = b.at(tb, d);
    assertThat(rel(pb.logits(), pa.logits())).isLessThanOrEqualTo(1e-14);
    assertThat(Math.abs(pb.loss() - pa.loss()) / pa.loss()).isLessThanOrEqualTo(1e-14);
    // Gradients compared by parameter name: each written into a copy of its network.
    MultiLayerNetwork ga = mln.clone();
    ga.setParams(pa.gradient().reshape(1, a.numParameters()));
    ComputationGraph gb = graph.clone();
    gb.setParams(pb.gradient().reshape(1, b.numParameters()));
    double worst = 0;
    for (String[] pair : new String[][] {{"0_W", "hidden_W"}, {"0_b", "hidden_b"},
        {"1_W", "out_W"}, {"1_b", "out_b"}}) {
      worst = Math.max(worst, rel(gb.getParam(pair[1]), ga.getParam(pair[0])));
    }
    System.out.printf("graph vs multilayer adapter: gradient by name, worst rel err %.2e%n",
        worst);
    assertThat(worst).isLessThanOrEqualTo(1e-13);
    assertThat(graph.params()).isEqualTo(before);
    assertThat(b.name()).isEqualTo("dl4j-graph(dense5-output3)");
    assertThat(b.initialParameters(4)).isEqualTo(b.initialParameters(4));
  }

  @Test
  void graphsWithTwoOutputsAreRejected() {
    ComputationGraph g = Networks.graphBranches(4, 3, 2, 1);
    org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf = g.getConfiguration().clone();
    conf.setNetworkOutputs(java.util.List.of("out", "a"));
    ComputationGraph two = new ComputationGraph(conf);
    two.init();
    assertThatThrownBy(() -> Dl4jModel.of(two)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("must be one each");
  }

  static double rel(INDArray a, INDArray b) {
    return a.sub(b).norm2Number().doubleValue() / b.norm2Number().doubleValue();
  }
}

package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.network.InferenceFusion;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.network.NodeSpec;
import io.vigil.engine.summary.NetworkSummary;
import io.vigil.engine.zoo.ResNet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Import does not give a slower graph: torchvision's ResNet-18 imported from ONNX is, as far as the
 * executor is concerned, the zoo's ResNet-18 ({@link ResNet#resnet18}) — the same multiply-adds,
 * the same parameters, and, after inference fusion ({@link InferenceFusion}: batch norms and
 * activations folded into their convolution, flatten and dropout turned into views), the same
 * sequence of layers that run, each with the same output shape.
 *
 * <p>Two exports: {@code resnet18_bn} keeps PyTorch's BatchNormalization nodes, so its summary
 * equals the zoo's exactly (parameters and running statistics too); {@code resnet18}, PyTorch's
 * default export, has each batch norm already folded into its convolution's weights and bias, so
 * its parameters are compared with the zoo's at inference, where a batch norm folded into a
 * bias-free convolution becomes that convolution's bias (one value per channel).
 */
class ConformanceGraphTest {

  private static final NetworkSpec ZOO = ResNet.resnet18(10);

  @Test
  void resNet18WithBatchNormNodesIsTheZoosGraph() throws Exception {
    NetworkSpec imported = importedSpec("resnet18_bn");
    NetworkSummary zoo = NetworkSummary.of(ZOO);
    NetworkSummary ours = NetworkSummary.of(imported);
    assertEquals(zoo.totalMultiplyAdds(), ours.totalMultiplyAdds(), "multiply-adds per image");
    assertEquals(zoo.totalParameters(), ours.totalParameters(), "parameters");
    assertEquals(zoo.totalState(), ours.totalState(), "batch norm running statistics");
    assertSameRunningLayers(imported);
  }

  @Test
  void resNet18WithFoldedBatchNormIsTheZoosGraphAtInference() throws Exception {
    NetworkSpec imported = importedSpec("resnet18");
    assertEquals(
        NetworkSummary.of(ZOO).totalMultiplyAdds(),
        NetworkSummary.of(imported).totalMultiplyAdds(),
        "multiply-adds per image");
    assertEquals(
        inferenceParameters(ZOO), inferenceParameters(imported), "parameters at inference");
    assertSameRunningLayers(imported);
  }

  private static void assertSameRunningLayers(NetworkSpec imported) {
    List<String> zoo = running(ZOO);
    List<String> ours = running(imported);
    int first = 0;
    while (first < Math.min(zoo.size(), ours.size()) && zoo.get(first).equals(ours.get(first))) {
      first++;
    }
    int at = first;
    assertEquals(
        zoo,
        ours,
        () ->
            "layers that run after inference fusion: the zoo's "
                + zoo.size()
                + ", the import's "
                + ours.size()
                + "; first difference at running layer "
                + at
                + ": zoo "
                + (at < zoo.size() ? zoo.get(at) : "none")
                + ", import "
                + (at < ours.size() ? ours.get(at) : "none")
                + " (imported node "
                + runningNames(imported).get(Math.min(at, ours.size() - 1))
                + ")");
  }

  /** Names of the nodes {@link #running} lists, in the same order. */
  static List<String> runningNames(NetworkSpec spec) {
    int[] folded = InferenceFusion.foldedInto(spec);
    int[] views = InferenceFusion.views(spec);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < spec.nodes().size(); i++) {
      if (folded[i] < 0 && views[i] < 0) {
        names.add(spec.nodes().get(i).name());
      }
    }
    return names;
  }

  private static NetworkSpec importedSpec(String name) throws Exception {
    return OnnxFixtures.get(name).read(CpuBackend.shared()).network().spec();
  }

  /** Kind and output shape of each node the inference executor runs, in execution order. */
  static List<String> running(NetworkSpec spec) {
    int[] folded = InferenceFusion.foldedInto(spec);
    int[] views = InferenceFusion.views(spec);
    NetworkSummary summary = NetworkSummary.of(spec);
    List<String> kinds = new ArrayList<>();
    for (int i = 0; i < spec.nodes().size(); i++) {
      if (folded[i] < 0 && views[i] < 0) {
        NetworkSummary.Row row = summary.rows().get(i);
        kinds.add(
            row.type() + " " + row.output().c() + "×" + row.output().h() + "×" + row.output().w());
      }
    }
    return kinds;
  }

  /**
   * Parameters once batch norms are folded: every node's own, except that a batch norm folded into
   * a convolution adds nothing when the convolution has a bias and one bias per channel when it has
   * none.
   */
  static long inferenceParameters(NetworkSpec spec) {
    int[] folded = InferenceFusion.foldedInto(spec);
    NetworkSummary summary = NetworkSummary.of(spec);
    long total = 0;
    for (int i = 0; i < spec.nodes().size(); i++) {
      NodeSpec node = spec.nodes().get(i);
      NetworkSummary.Row row = summary.rows().get(i);
      if (folded[i] < 0) {
        total += row.parameters();
      } else if (node.layer() instanceof BatchNormSpec
          && !hasBias(spec.nodes().get(folded[i]).layer())) {
        total += row.output().c();
      }
    }
    return total;
  }

  private static boolean hasBias(LayerSpec layer) {
    return !(layer instanceof Conv2dSpec conv) || conv.bias();
  }
}

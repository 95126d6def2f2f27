package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.onnx.OnnxFixtures.Case;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The fixtures cover what the conformance suite claims: every operator issue 16 lists, each in
 * files of at least two opsets, and every opset from 9 to 17 — so that a change to {@code
 * make_fixtures.py} cannot quietly drop a case.
 */
class ConformanceCoverageTest {

  /** The operators vigil imports (issue 16's list). */
  static final List<String> OPERATORS =
      List.of(
          "Conv",
          "ConvTranspose",
          "Relu",
          "LeakyRelu",
          "Sigmoid",
          "Tanh",
          "MaxPool",
          "AveragePool",
          "GlobalAveragePool",
          "Gemm",
          "MatMul",
          "Add",
          "Concat",
          "Flatten",
          "Reshape",
          "BatchNormalization",
          "LRN",
          "Dropout",
          "Softmax",
          "Identity",
          "Pad",
          "Constant");

  @Test
  void everyListedOperatorIsInFixturesOfTwoOpsets() {
    Map<String, Set<Integer>> opsets = new TreeMap<>();
    for (Case c : OnnxFixtures.cases()) {
      for (String op : c.ops()) {
        opsets.computeIfAbsent(op, k -> new TreeSet<>()).add(c.opset());
      }
    }
    for (String op : OPERATORS) {
      Set<Integer> seen = opsets.getOrDefault(op, Set.of());
      assertTrue(seen.size() >= 2, op + " is in fixtures of opsets " + seen + ", want two or more");
    }
  }

  @Test
  void everyOpsetFrom9To17HasFixtures() {
    Set<Integer> opsets =
        OnnxFixtures.cases().stream()
            .map(Case::opset)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(IntStream.rangeClosed(9, 17).boxed().toList(), List.copyOf(opsets));
  }

  /**
   * A network whose outputs hardly depend on its input (random batch-norm statistics can drown a
   * deep network's signal) would pass a comparison that checks little but its last bias: the two
   * images of each network's batch must get clearly different outputs.
   */
  @Test
  void everyNetworksOutputsDependOnItsInput() {
    for (String name :
        List.of("lenet5", "alexnet", "vgg11", "googlenet", "resnet18", "resnet18_bn")) {
      float[] out = OnnxFixtures.get(name).outputs();
      int perImage = out.length / OnnxFixtures.get(name).batch();
      double largest = 0;
      double apart = 0;
      for (int i = 0; i < perImage; i++) {
        largest = Math.max(largest, Math.max(Math.abs(out[i]), Math.abs(out[perImage + i])));
        apart = Math.max(apart, Math.abs(out[i] - out[perImage + i]));
      }
      assertTrue(
          apart > 0.01 * largest,
          name + ": its two images' outputs differ by " + apart + " of at most " + largest);
    }
  }

  @Test
  void theNetworksOfIssue16AreThere() {
    for (String name : List.of("lenet5", "alexnet", "vgg11", "googlenet", "resnet18")) {
      assertEquals(name, OnnxFixtures.get(name).name());
    }
    assertTrue(
        OnnxFixtures.get("lenet5").entry().get("test_accuracy").asDouble() > 0.8,
        "the LeNet-5 fixture is trained");
  }
}

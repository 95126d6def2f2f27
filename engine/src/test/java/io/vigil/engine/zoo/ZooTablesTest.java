package io.vigil.engine.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.layer.Parameter;
import io.vigil.engine.network.Network;
import io.vigil.engine.summary.NetworkSummary;
import io.vigil.engine.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * The model zoo against the tables of the source texts: per-layer parameters, output sizes and
 * costs. Numbers are copied from the texts (the tests never read them).
 */
class ZooTablesTest {

  private static void assertShape(NetworkSummary s, String layer, int c, int h, int w) {
    Shape out = s.row(layer).output();
    assertEquals(c + "×" + h + "×" + w, out.c() + "×" + out.h() + "×" + out.w(), layer);
  }

  private static void assertWithin(double expected, double actual, double fraction, String what) {
    assertTrue(
        Math.abs(actual - expected) <= fraction * expected,
        what + ": expected " + expected + " ± " + (100 * fraction) + "%, got " + actual);
  }

  @Test
  void lenet5SummaryMatchesTheBuiltNetwork() {
    Network lenet = LeNet5.create(1);
    long held = lenet.parameters().stream().mapToLong(p -> p.value().size()).sum();
    NetworkSummary s = NetworkSummary.of(lenet.spec());
    assertEquals(61_706, s.totalParameters());
    assertEquals(held, s.totalParameters());
    long outputs = 0;
    for (Parameter p : lenet.parameters()) {
      outputs += p.grad().size();
    }
    assertEquals(held, outputs, "one gradient per parameter");
  }

  /** AlexNet notes (002): (11×11×3+1)×48×2 and so on, the two GPU columns summed. */
  @Test
  void alexNetMatchesTheParameterTable() {
    NetworkSummary s = NetworkSummary.of(AlexNet.spec(1000));
    assertEquals((11 * 11 * 3 + 1) * 48 * 2, s.row("conv1").parameters());
    assertEquals((5 * 5 * 48 + 1) * 128 * 2, s.row("conv2").parameters());
    assertEquals((3 * 3 * 256 + 1) * 192 * 2, s.row("conv3").parameters());
    assertEquals((3 * 3 * 192 + 1) * 192 * 2, s.row("conv4").parameters());
    assertEquals((3 * 3 * 192 + 1) * 128 * 2, s.row("conv5").parameters());
    assertEquals((9216L + 1) * 2048 * 2, s.row("fc6").parameters());
    assertEquals((4096L + 1) * 2048 * 2, s.row("fc7").parameters());
    // The table prints F8 as (4096+1)×1000×2, but F8 is one layer of 1000 outputs on both GPUs'
    // 4096 features: (4096+1)×1000.
    assertEquals((4096L + 1) * 1000, s.row("fc8").parameters());
    assertShape(s, "conv1", 96, 55, 55);
    assertShape(s, "pool1", 96, 27, 27);
    assertShape(s, "conv2", 256, 27, 27);
    assertShape(s, "pool2", 256, 13, 13);
    assertShape(s, "conv4", 384, 13, 13);
    assertShape(s, "pool5", 256, 6, 6);
  }

  /** CS231n notes (004): VGG-16's memory and weights per layer (weights without biases). */
  @Test
  void vgg16MatchesTheMemoryTable() {
    NetworkSummary s = NetworkSummary.of(Vgg.vgg16(1000));
    String[] layers = {
      "conv1_1", "conv1_2", "pool1", "conv2_1", "conv2_2", "pool2", "conv3_1", "conv3_2",
      "conv3_3", "pool3", "conv4_1", "conv4_2", "conv4_3", "pool4", "conv5_1", "conv5_2",
      "conv5_3", "pool5", "fc6", "fc7", "fc8"
    };
    long[] memory = {
      224 * 224 * 64,
      224 * 224 * 64,
      112 * 112 * 64,
      112 * 112 * 128,
      112 * 112 * 128,
      56 * 56 * 128,
      56 * 56 * 256,
      56 * 56 * 256,
      56 * 56 * 256,
      28 * 28 * 256,
      28 * 28 * 512,
      28 * 28 * 512,
      28 * 28 * 512,
      14 * 14 * 512,
      14 * 14 * 512,
      14 * 14 * 512,
      14 * 14 * 512,
      7 * 7 * 512,
      4096,
      4096,
      1000
    };
    long[] weights = {
      1_728,
      36_864,
      0,
      73_728,
      147_456,
      0,
      294_912,
      589_824,
      589_824,
      0,
      1_179_648,
      2_359_296,
      2_359_296,
      0,
      2_359_296,
      2_359_296,
      2_359_296,
      0,
      102_760_448,
      16_777_216,
      4_096_000
    };
    for (int i = 0; i < layers.length; i++) {
      NetworkSummary.Row row = s.row(layers[i]);
      assertEquals(memory[i], row.activations(), layers[i] + " memory");
      long biases = weights[i] == 0 ? 0 : row.output().c();
      assertEquals(weights[i] + biases, row.parameters(), layers[i] + " weights");
    }
    assertEquals(138_357_544, s.totalParameters(), "138M parameters");
    assertEquals(224 * 224 * 3, s.input().perImage());
  }

  /** VGG paper's Table 2 (in 003): configuration A has 133M parameters. */
  @Test
  void vgg11HasTheParameterCountOfConfigurationA() {
    assertWithin(133e6, NetworkSummary.of(Vgg.vgg11(1000)).totalParameters(), 0.005, "VGG-11");
  }

  /**
   * GoogLeNet table (003): each module's output size exactly; its weights equal what the table's
   * own filter columns give ({@code C_in·#1×1 + C_in·#3×3r + 9·#3×3r·#3×3 + C_in·#5×5r +
   * 25·#5×5r·#5×5 + C_in·proj}); and its params (K = 1024 weights, no biases) and ops agree with
   * the table's rounding, except rows 4c and 5a where the printed params (463K, 1072K) and 5a's ops
   * (54M) disagree with the table's own filter columns (497.5K, 1018K, 51M).
   */
  @Test
  void googLeNetMatchesTheInceptionTable() {
    NetworkSummary s = NetworkSummary.of(GoogLeNet.spec(1000));
    assertShape(s, "conv1", 64, 112, 112);
    assertShape(s, "pool1", 64, 56, 56);
    assertShape(s, "conv2", 192, 56, 56);
    assertShape(s, "pool2", 192, 28, 28);
    String[] modules = {"3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b"};
    // input channels, #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj, output size
    int[][] table = {
      {192, 64, 96, 128, 16, 32, 32, 28},
      {256, 128, 128, 192, 32, 96, 64, 28},
      {480, 192, 96, 208, 16, 48, 64, 14},
      {512, 160, 112, 224, 24, 64, 64, 14},
      {512, 128, 128, 256, 24, 64, 64, 14},
      {512, 112, 144, 288, 32, 64, 64, 14},
      {528, 256, 160, 320, 32, 128, 128, 14},
      {832, 256, 160, 320, 32, 128, 128, 7},
      {832, 384, 192, 384, 48, 128, 128, 7}
    };
    double[] paramsK = {159, 380, 364, 437, Double.NaN, 580, 840, Double.NaN, 1388};
    double[] opsM = {128, 304, 73, 88, 100, 119, 170, Double.NaN, 71};
    for (int i = 0; i < modules.length; i++) {
      int[] t = table[i];
      String p = "inception" + modules[i] + "/";
      assertShape(s, p + "output", t[1] + t[3] + t[5] + t[6], t[7], t[7]);
      long expected =
          (long) t[0] * t[1]
              + t[0] * t[2]
              + 9L * t[2] * t[3]
              + t[0] * t[4]
              + 25L * t[4] * t[5]
              + (long) t[0] * t[6];
      long weights = 0;
      long macs = 0;
      for (NetworkSummary.Row r : s.rows()) {
        if (r.name().startsWith(p) && r.type().equals("Conv2d")) {
          weights += r.parameters() - r.output().c();
          macs += r.multiplyAdds();
        }
      }
      assertEquals(expected, weights, "inception " + modules[i] + " weights");
      assertEquals(expected * t[7] * t[7], macs, "inception " + modules[i] + " multiply-adds");
      if (!Double.isNaN(paramsK[i])) {
        assertWithin(paramsK[i], weights / 1024.0, 0.02, "inception " + modules[i] + " params");
      }
      if (!Double.isNaN(opsM[i])) {
        assertWithin(opsM[i], macs / 1e6, 0.02, "inception " + modules[i] + " ops");
      }
    }
    assertShape(s, "pool4", 832, 7, 7);
    assertShape(s, "avgpool", 1024, 1, 1);
  }

  /** ResNet table (003): output sizes of each stage and 1.8 / 3.6 ×10⁹ FLOPs (multiply-adds). */
  @Test
  void resNetsMatchTheirTable() {
    NetworkSummary r18 = NetworkSummary.of(ResNet.resnet18(1000));
    assertShape(r18, "conv1", 64, 112, 112);
    assertShape(r18, "pool1", 64, 56, 56);
    assertShape(r18, "conv2_2/relu", 64, 56, 56);
    assertShape(r18, "conv3_2/relu", 128, 28, 28);
    assertShape(r18, "conv4_2/relu", 256, 14, 14);
    assertShape(r18, "conv5_2/relu", 512, 7, 7);
    assertWithin(1.8e9, r18.totalMultiplyAdds(), 0.03, "ResNet-18 multiply-adds");
    NetworkSummary r34 = NetworkSummary.of(ResNet.resnet34(1000));
    assertShape(r34, "conv4_6/relu", 256, 14, 14);
    assertShape(r34, "conv5_3/relu", 512, 7, 7);
    assertWithin(3.6e9, r34.totalMultiplyAdds(), 0.03, "ResNet-34 multiply-adds");
  }

  @Test
  void theSummaryCountsTheWinogradFiltersTheCpuKeepsAtInference() {
    // ResNet-18's 3×3 stride-1 convolutions (the first of each later stage has stride 2): 4 of
    // 64 × 64, 3 of 128 × 128, 256 × 256 and 512 × 512; 16 floats per filter and channel.
    long pairs = 4L * 64 * 64 + 3L * 128 * 128 + 3L * 256 * 256 + 3L * 512 * 512;
    assertEquals(16 * pairs, NetworkSummary.of(ResNet.resnet18(1000)).totalKeptAtInference());
    NetworkSummary r18 = NetworkSummary.of(ResNet.resnet18(1000));
    assertEquals(16L * 512 * 512, r18.row("conv5_2/conv_a").keptAtInference());
    assertEquals(0, r18.row("conv5_1/conv_a").keptAtInference(), "stride 2");
    assertEquals(0, r18.row("conv1").keptAtInference(), "7×7");
    // LeNet-5's 5×5 layers: nothing.
    assertEquals(0, NetworkSummary.of(LeNet5.spec(10)).totalKeptAtInference());
  }

  @Test
  void zooBuildsEveryEntryByName() {
    for (ModelZoo.Entry e : ModelZoo.entries()) {
      NetworkSummary s = NetworkSummary.of(e.spec(10));
      assertEquals(10, s.rows().get(s.rows().size() - 1).output().perImage(), e.name());
      assertEquals(e.input().size(), s.input().perImage(), e.name());
    }
  }
}

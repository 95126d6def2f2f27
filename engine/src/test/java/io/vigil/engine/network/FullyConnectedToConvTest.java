package io.vigil.engine.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.DropoutSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.Padding;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * CS231n (004), "converting FC layers to CONV layers": the converted network scores every window of
 * a larger image in one pass, and each score equals the original network's on that window.
 */
class FullyConnectedToConvTest {

  private static final CpuBackend BACKEND = new CpuBackend(2);

  @Test
  void convertedNetworkScoresEveryWindowLikeTheOriginal() {
    // 2×8×8 → conv 2×2 / 2 → 4×4×4 → pool 2 → 4×2×2 → fc 5 → fc 3; overall stride 2·2 = 4. No
    // padding: a padded first layer would see zeros at window edges that the big image fills.
    Network original =
        Network.builder(2, 8, 8)
            .add("conv", Conv2dSpec.of(4, 2, 2, 0))
            .add("relu", new ReluSpec())
            .add("pool", MaxPool2dSpec.of(2, 2))
            .add("flatten", new FlattenSpec())
            .add("fc1", new LinearSpec(5))
            .add("relu1", new ReluSpec())
            .add("drop", new DropoutSpec(0.5f))
            .add("fc2", new LinearSpec(3))
            .optBackend(BACKEND)
            .optSeed(21)
            .build();
    Network converted = FullyConnectedToConv.convert(original, 16, 12);
    assertInstanceOf(Conv2dSpec.class, converted.spec().nodes().get(3).layer());
    assertEquals(new Conv2dSpec(5, 2, 2, 1, 1, 0, 0), converted.spec().nodes().get(3).layer());
    assertEquals(new Conv2dSpec(3, 1, 1, 1, 1, 0, 0), converted.spec().nodes().get(6).layer());
    // (16 − 8)/4 + 1 = 3 rows, (12 − 8)/4 + 1 = 2 columns of windows.
    assertEquals(new Shape(1, 3, 3, 2), converted.outputShape());

    Random random = new Random(2);
    Shape big = new Shape(2, 2, 16, 12);
    float[] image = new float[big.size()];
    for (int i = 0; i < image.length; i++) {
      image[i] = (float) random.nextGaussian();
    }
    Tensor x = BACKEND.allocate(big);
    BACKEND.upload(image, 0, x, 0, image.length);
    float[] scores = values(converted.newExecutor(2, false).forward(x, false));
    NetworkExecutor small = original.newExecutor(2, false);
    Tensor window = BACKEND.allocate(new Shape(2, 2, 8, 8));
    for (int oy = 0; oy < 3; oy++) {
      for (int ox = 0; ox < 2; ox++) {
        float[] crop = new float[2 * 2 * 64];
        for (int n = 0; n < 2; n++) {
          for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 8; y++) {
              System.arraycopy(
                  image,
                  ((n * 2 + c) * 16 + oy * 4 + y) * 12 + ox * 4,
                  crop,
                  ((n * 2 + c) * 8 + y) * 8,
                  8);
            }
          }
        }
        BACKEND.upload(crop, 0, window, 0, crop.length);
        float[] expected = values(small.forward(window, false));
        for (int n = 0; n < 2; n++) {
          for (int k = 0; k < 3; k++) {
            float actual = scores[((n * 3 + k) * 3 + oy) * 2 + ox];
            assertEquals(
                expected[n * 3 + k],
                actual,
                1e-4f * (1 + Math.abs(expected[n * 3 + k])),
                "image " + n + " class " + k + " at window (" + oy + ", " + ox + ")");
          }
        }
      }
    }
  }

  /**
   * 004: a network that reduces 224×224 to a 7×7 feature map (overall stride 32), then FC 4096, FC
   * 4096, FC 1000, converted and run on 384×384 gives a 6×6 map of 1000 class scores. Shapes only
   * (the specs), no weights.
   */
  @Test
  void seedExample224To384GivesSixBySixScoreMap() {
    List<io.vigil.engine.network.NodeSpec> nodes = new ArrayList<>();
    String previous = NetworkSpec.INPUT;
    int[] channels = {64, 128, 256, 512, 512};
    for (int i = 0; i < 5; i++) {
      nodes.add(
          new NodeSpec(
              "conv" + i, Conv2dSpec.of(channels[i], 3, 1, Padding.SAME), List.of(previous)));
      nodes.add(new NodeSpec("relu" + i, new ReluSpec(), List.of("conv" + i)));
      nodes.add(new NodeSpec("pool" + i, MaxPool2dSpec.of(2, 2), List.of("relu" + i)));
      previous = "pool" + i;
    }
    nodes.add(new NodeSpec("flatten", new FlattenSpec(), List.of(previous)));
    nodes.add(new NodeSpec("fc6", new LinearSpec(4096), List.of("flatten")));
    nodes.add(new NodeSpec("relu6", new ReluSpec(), List.of("fc6")));
    nodes.add(new NodeSpec("fc7", new LinearSpec(4096), List.of("relu6")));
    nodes.add(new NodeSpec("relu7", new ReluSpec(), List.of("fc7")));
    nodes.add(new NodeSpec("fc8", new LinearSpec(1000), List.of("relu7")));
    NetworkSpec spec = new NetworkSpec(3, 224, 224, nodes);
    assertEquals(new Shape(1, 512, 7, 7), spec.shapes().get("pool4"));
    assertEquals(new Shape(1, 1000, 1, 1), spec.outputShape());
    NetworkSpec converted = FullyConnectedToConv.convertSpec(spec, 384, 384);
    assertEquals(new Shape(1, 512, 12, 12), converted.shapes().get("pool4"));
    assertEquals(new Conv2dSpec(4096, 7, 7, 1, 1, 0, 0), converted.nodes().get(15).layer());
    assertEquals(new Shape(1, 4096, 6, 6), converted.shapes().get("fc6"));
    assertEquals(new Shape(1, 1000, 6, 6), converted.outputShape());
    // The same network at 224 converts to a 1×1 map: the original's scores.
    assertEquals(
        new Shape(1, 1000, 1, 1), FullyConnectedToConv.convertSpec(spec, 224, 224).outputShape());
  }

  private static float[] values(Tensor t) {
    float[] v = new float[t.size()];
    BACKEND.download(t, 0, v, 0, v.length);
    return v;
  }
}

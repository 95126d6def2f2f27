package io.vigil.engine.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.tensor.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Convolution beyond the basic case, on the seeds' worked examples where they exist: dilation (001
 * 5.5.2, 004), named padding (000/001: narrow, equal-width, wide), 1×1 convolution and the cost of
 * exercise 5-3 (001), grouped convolution, bias off, the transposed convolution as the
 * convolution's backward pass (001 5.5.1), and the JSON of old model files.
 */
class ConvolutionOptionsTest {

  /** 001: a kernel of m taps with dilation d has effective size m + (m − 1)(d − 1). */
  @Test
  void dilatedKernelEffectiveSize() {
    assertEquals(5, Conv2dSpec.of(1, 3, 1, 0).withDilation(2).effectiveKernelH());
    assertEquals(7, Conv2dSpec.of(1, 3, 1, 0).withDilation(3).effectiveKernelW());
    assertEquals(3, Conv2dSpec.of(1, 2, 1, 0).withDilation(2).effectiveKernelH());
    // A 3×3 kernel at dilation 2 over 7×7 without padding sees 5×5 windows: 3×3 outputs.
    assertEquals(
        new Shape(1, 1, 3, 3),
        Conv2dSpec.of(1, 3, 1, 0).withDilation(2).outputShape("atrous", new Shape(1, 1, 7, 7)));
  }

  /**
   * 004: with dilation 1 the filter computes w[0]x[0] + w[1]x[2] + w[2]x[4] (the notes count
   * "dilation 1" as one gap; that is d = 2 in the textbook's and PyTorch's convention).
   */
  @Test
  void dilationSkipsInputs() {
    LayerHarness h =
        new LayerHarness(
            new Conv2dSpec(1, 1, 3, 1, 1, 0, 0, 1, 2, 1, false), new Shape(1, 1, 1, 6));
    h.set(((Conv2d) h.layer).weight(), new float[] {1, 10, 100});
    float[] x = {1, 2, 3, 4, 5, 6};
    // y[j] = x[j] + 10·x[j + 2] + 100·x[j + 4]
    assertArrayEquals(new float[] {1 + 30 + 500, 2 + 40 + 600}, h.forward(x));
  }

  /** Exercise 5-7 (001): padding p = (m − 1)d/2 keeps the size; 'same' computes it. */
  @Test
  void namedPaddingSameWithDilationKeepsTheSize() {
    Conv2dSpec same = Conv2dSpec.of(4, 3, 1, 0).withDilation(2).withPadding(Padding.SAME);
    assertEquals(2, same.padH());
    assertEquals(new Shape(1, 4, 9, 9), same.outputShape("c", new Shape(1, 2, 9, 9)));
  }

  /** Narrow, equal-width and wide convolution of a length-M input with a K-tap kernel. */
  @Test
  void narrowEqualWidthAndWide() {
    Shape in = new Shape(1, 1, 7, 7);
    assertEquals(5, Conv2dSpec.of(1, 3, 1, Padding.VALID).outputShape("c", in).h());
    assertEquals(7, Conv2dSpec.of(1, 3, 1, Padding.SAME).outputShape("c", in).h());
    assertEquals(9, Conv2dSpec.of(1, 3, 1, Padding.FULL).outputShape("c", in).h());
    // Wide (full) cross-correlation of [1, 2, 3] with [1, −1]: one output per overlap, M + K − 1.
    LayerHarness h =
        new LayerHarness(
            new Conv2dSpec(1, 1, 2, 1, 1, 0, 1, 1, 1, 1, false), new Shape(1, 1, 1, 3));
    h.set(((Conv2d) h.layer).weight(), new float[] {1, -1});
    // padded input 0 1 2 3 0: 0−1, 1−2, 2−3, 3−0
    assertArrayEquals(new float[] {-1, -1, -1, 3}, h.forward(new float[] {1, 2, 3}));
  }

  @Test
  void samePaddingNeedsAnOddKernel() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Conv2dSpec.of(1, 4, 1, Padding.SAME));
    assertTrue(e.getMessage().contains("F = 4"), e.getMessage());
  }

  /** 004: a 1×1 convolution is a dot product across channels at every position. */
  @Test
  void oneByOneConvolutionMixesChannelsOnly() {
    LayerHarness h = new LayerHarness(Conv2dSpec.of(2, 1, 1, 0), new Shape(1, 3, 2, 2));
    Conv2d conv = (Conv2d) h.layer;
    h.set(conv.weight(), new float[] {1, 2, 3, -1, 0, 1});
    h.set(conv.bias(), new float[] {0.5f, 0});
    float[] x = {1, 2, 3, 4, 10, 20, 30, 40, 100, 200, 300, 400};
    assertArrayEquals(
        new float[] {321.5f, 642.5f, 963.5f, 1284.5f, 99, 198, 297, 396}, h.forward(x));
  }

  /**
   * Exercise 5-3 (001): 3×3 convolution 256 → 256 channels on 100×100 versus a 1×1 reduction to 64
   * channels followed by the 3×3 convolution 64 → 256; time as multiply-adds, space as weights.
   */
  @Test
  void exerciseFiveThreeCostOfBottleneck() {
    Shape in = new Shape(1, 256, 100, 100);
    Conv2dSpec direct = Conv2dSpec.of(256, 3, 1, 1).withoutBias();
    assertEquals(in, direct.outputShape("conv", in));
    assertEquals(5_898_240_000L, direct.multiplyAdds("conv", in));
    assertEquals(589_824L, direct.parameterCount(in));
    Conv2dSpec reduce = Conv2dSpec.of(64, 1, 1, 0).withoutBias();
    Shape mid = reduce.outputShape("reduce", in);
    assertEquals(new Shape(1, 64, 100, 100), mid);
    Conv2dSpec expand = Conv2dSpec.of(256, 3, 1, 1).withoutBias();
    assertEquals(in, expand.outputShape("expand", mid));
    long time = reduce.multiplyAdds("reduce", in) + expand.multiplyAdds("expand", mid);
    assertEquals(163_840_000L + 1_474_560_000L, time);
    assertEquals(16_384L + 147_456L, reduce.parameterCount(in) + expand.parameterCount(mid));
  }

  /** Groups: each filter block sees only its channel block (AlexNet's two columns). */
  @Test
  void groupedConvolutionEqualsTwoSeparateConvolutions() {
    Random random = new Random(5);
    Shape in = new Shape(2, 4, 5, 5);
    LayerHarness grouped = new LayerHarness(Conv2dSpec.of(6, 3, 1, 1).withGroups(2), in);
    grouped.layer.initialise(random);
    Conv2d g = (Conv2d) grouped.layer;
    assertEquals(new Shape(6, 2, 3, 3), g.weight().value().shape());
    float[] w = LayerHarness.values(g.weight().value());
    float[] b = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
    grouped.set(g.bias(), b);
    float[] x = new float[in.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    float[] y = grouped.forward(x);
    for (int j = 0; j < 2; j++) {
      LayerHarness half = new LayerHarness(Conv2dSpec.of(3, 3, 1, 1), new Shape(2, 2, 5, 5));
      Conv2d c = (Conv2d) half.layer;
      half.set(c.weight(), java.util.Arrays.copyOfRange(w, j * 54, (j + 1) * 54));
      half.set(c.bias(), java.util.Arrays.copyOfRange(b, j * 3, (j + 1) * 3));
      float[] xj = new float[2 * 2 * 25];
      for (int n = 0; n < 2; n++) {
        System.arraycopy(x, n * 100 + j * 50, xj, n * 50, 50);
      }
      float[] yj = half.forward(xj);
      for (int n = 0; n < 2; n++) {
        float[] expected = java.util.Arrays.copyOfRange(yj, n * 75, (n + 1) * 75);
        float[] actual = java.util.Arrays.copyOfRange(y, n * 150 + j * 75, n * 150 + (j + 1) * 75);
        assertArrayEquals(expected, actual, 1e-5f, "image " + n + " group " + j);
      }
    }
  }

  @Test
  void groupsMustDivideChannelsAndFilters() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Conv2dSpec.of(6, 3, 1, 1)
                    .withGroups(4)
                    .outputShape("conv2", new Shape(1, 8, 5, 5)));
    assertTrue(e.getMessage().startsWith("conv2: 4 groups"), e.getMessage());
    assertTrue(e.getMessage().contains("K = 6"), e.getMessage());
  }

  @Test
  void dilatedKernelLargerThanInputIsRejectedWithItsEffectiveSize() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Conv2dSpec.of(1, 3, 1, 0)
                    .withDilation(3)
                    .outputShape("conv3", new Shape(1, 1, 6, 6)));
    assertTrue(
        e.getMessage().startsWith("conv3: height: (H − F + 2P)/S + 1 = (6 − 7 + 0)/1"),
        e.getMessage());
  }

  @Test
  void withoutBiasHasNoBiasParameter() {
    LayerHarness h =
        new LayerHarness(Conv2dSpec.of(2, 3, 1, 1).withoutBias(), new Shape(1, 1, 3, 3));
    assertNull(((Conv2d) h.layer).bias());
    assertEquals(1, h.layer.parameters().size());
  }

  /**
   * 001 5.5.1: the transposed convolution's forward pass is the convolution's backward pass to its
   * input, with the same weights.
   */
  @Test
  void transposedConvolutionForwardIsConvolutionBackwardToInput() {
    Random random = new Random(11);
    Shape big = new Shape(2, 3, 7, 7);
    LayerHarness conv = new LayerHarness(Conv2dSpec.of(4, 3, 2, 1).withDilation(1), big);
    conv.layer.initialise(random);
    Shape small = conv.out;
    assertEquals(new Shape(2, 4, 4, 4), small);
    LayerHarness transposed =
        new LayerHarness(new ConvTranspose2dSpec(3, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, false), small);
    assertEquals(big, transposed.out);
    float[] w = LayerHarness.values(((Conv2d) conv.layer).weight().value());
    transposed.set(((ConvTranspose2d) transposed.layer).weight(), w);
    float[] dy = new float[small.size()];
    for (int i = 0; i < dy.length; i++) {
      dy[i] = (float) random.nextGaussian();
    }
    conv.forward(new float[big.size()]);
    float[] viaConv = conv.backward(dy);
    assertArrayEquals(viaConv, transposed.forward(dy), 1e-5f);
  }

  /** Old model files have conv2d entries without the new fields; they read and write unchanged. */
  @Test
  void jsonWithoutNewFieldsReadsAsDefaultsAndWritesTheSame() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    String old =
        "{\"type\":\"conv2d\",\"filters\":6,\"kernelH\":5,\"kernelW\":5,\"strideH\":1,"
            + "\"strideW\":1,\"padH\":2,\"padW\":2}";
    LayerSpec read = mapper.readValue(old, LayerSpec.class);
    assertEquals(Conv2dSpec.of(6, 5, 1, 2), read);
    assertEquals(old, mapper.writeValueAsString(read));
    Conv2dSpec full = Conv2dSpec.of(6, 3, 1, 2).withDilation(2).withGroups(3).withoutBias();
    String json = mapper.writeValueAsString((LayerSpec) full);
    assertTrue(json.contains("\"dilationH\":2") && json.contains("\"groups\":3"), json);
    assertTrue(json.contains("\"bias\":false"), json);
    assertEquals(full, mapper.readValue(json, LayerSpec.class));
  }
}

package io.vigil.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.engine.backend.ActivationKind;
import org.junit.jupiter.api.Test;

/** The CPU activation kernels' branch-free derivatives against the comparisons they replace. */
class ActivationOpsTest {

  private static final float[] EDGES = {
    0f,
    -0f,
    Float.MIN_VALUE,
    -Float.MIN_VALUE,
    Float.MIN_NORMAL,
    1f,
    -1f,
    Float.MAX_VALUE,
    -Float.MAX_VALUE,
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    Float.NaN,
    Float.intBitsToFloat(0xffc00000), // a NaN with the sign bit set
    3.5e-3f,
    -2.25f
  };

  @Test
  void positiveMaskIsAllOnesExactlyWhenTheValueIsGreaterThanZero() {
    for (float v : EDGES) {
      assertEquals(v > 0f ? -1 : 0, CpuActivationOps.positiveMask(v), "value " + v);
    }
  }

  @Test
  void reluAndLeakyReluBackwardPassTheGradientWhereTheInputIsPositive() {
    int n = EDGES.length;
    float[] dy = new float[n];
    for (int i = 0; i < n; i++) {
      dy[i] = (i % 3 == 0 ? -1 : 1) * (0.5f + i);
    }
    float alpha = 0.1f;
    float[] relu = new float[n];
    float[] leaky = new float[n];
    CpuActivationOps.backward(ActivationKind.RELU, 0f, EDGES, 0, null, 0, dy, 0, relu, 0, n);
    CpuActivationOps.backward(
        ActivationKind.LEAKY_RELU, alpha, EDGES, 0, null, 0, dy, 0, leaky, 0, n);
    float[] expectedRelu = new float[n];
    float[] expectedLeaky = new float[n];
    for (int i = 0; i < n; i++) {
      expectedRelu[i] = EDGES[i] > 0f ? dy[i] : 0f;
      expectedLeaky[i] = EDGES[i] > 0f ? dy[i] : alpha * dy[i];
    }
    assertArrayEquals(expectedRelu, relu);
    assertArrayEquals(expectedLeaky, leaky);
  }
}

package io.vigil.engine.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Windows that do not tile their input: refused by default, rounded when declared. */
class RoundingTest {

  private static Shape image(int c, int h, int w) {
    return new Shape(1, c, h, w);
  }

  @Test
  void exactIsTheDefaultAndNamesTheWayOut() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> MaxPool2dSpec.of(3, 2).outputShape("pool1", image(64, 112, 112)));
    assertTrue(e.getMessage().contains("(112 − 3 + 0)/2 + 1 = 55.5"), e.getMessage());
    assertTrue(e.getMessage().contains("rounding"), e.getMessage());
  }

  @Test
  void floorAndCeilGiveTheClassicSizes() {
    // GoogLeNet: 3×3/2 max pools round up, 112 → 56; ResNet's stem rounds down, 224 → 112 → 56.
    assertEquals(
        56,
        MaxPool2dSpec.of(3, 2)
            .withRounding(Rounding.CEIL)
            .outputShape("p", image(1, 112, 112))
            .h());
    assertEquals(
        55,
        MaxPool2dSpec.of(3, 2)
            .withRounding(Rounding.FLOOR)
            .outputShape("p", image(1, 112, 112))
            .h());
    assertEquals(
        112,
        Conv2dSpec.of(64, 7, 2, 3)
            .withRounding(Rounding.FLOOR)
            .outputShape("conv1", image(3, 224, 224))
            .h());
    assertEquals(
        56,
        MaxPool2dSpec.of(3, 2)
            .withPadding(1)
            .withRounding(Rounding.FLOOR)
            .outputShape("pool1", image(64, 112, 112))
            .h());
  }

  @Test
  void ceilNeverStartsAWindowInTheRightPadding() {
    // PyTorch's rule: 5 wide, window 2, stride 2, pad 1 gives 3 windows, not 4.
    MaxPool2dSpec pool = new MaxPool2dSpec(2, 2, 2, 2, 1, 1, Rounding.CEIL);
    assertEquals(3, pool.outputShape("p", image(1, 5, 5)).w());
  }

  @Test
  void ceilKeepsTheLastPartialWindow() {
    Network net =
        Network.builder(1, 3, 3)
            .add("pool", MaxPool2dSpec.of(2, 2).withRounding(Rounding.CEIL))
            .build();
    Backend backend = net.backend();
    Tensor in = backend.allocate(new Shape(1, 1, 3, 3));
    backend.upload(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 0, in, 0, 9);
    Tensor out = net.forward(in, false);
    float[] values = new float[4];
    backend.download(out, 0, values, 0, 4);
    assertArrayEquals(new float[] {5, 6, 8, 9}, values);
  }

  @Test
  void exactRoundingIsLeftOutOfModelFiles() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    String plain = json.writeValueAsString(MaxPool2dSpec.of(2, 2));
    assertTrue(!plain.contains("rounding"), plain);
    String ceil = json.writeValueAsString(MaxPool2dSpec.of(2, 2).withRounding(Rounding.CEIL));
    assertTrue(ceil.contains("\"rounding\":\"CEIL\""), ceil);
    assertEquals(
        MaxPool2dSpec.of(2, 2).withRounding(Rounding.CEIL), json.readValue(ceil, LayerSpec.class));
  }
}

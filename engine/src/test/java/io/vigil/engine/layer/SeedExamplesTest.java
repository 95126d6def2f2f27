package io.vigil.engine.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * The worked examples of the seed lecture slides (003: "CNN structure and training") and the CS231n
 * notes (004), numbers copied from the texts.
 */
class SeedExamplesTest {

  /**
   * The CS231n demo in 003: a 5×5×3 input (shown padded to 7×7×3), filter W0 of 3×3×3, stride 2,
   * pad 1 → o[:,:,0] of 3×3. The text lists x[:,:,c] and w0[:,:,c] per channel (HWC); we store CHW.
   * Bias b0 is not legible in the extracted text; the listed output implies b0 = 1, the demo's
   * usual value. (W1/b1 and o[:,:,1] are garbled in the extraction and cannot be checked.)
   */
  @Test
  void cs231nDemoFirstFilter() {
    float[] x = {
      // x[:,:,0] without its padding ring
      0, 1, 1, 2, 2, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 2, 0, 1, 0,
      // x[:,:,1]
      1, 1, 1, 2, 0, 0, 2, 1, 1, 2, 1, 2, 0, 0, 2, 0, 2, 1, 2, 1, 2, 0, 1, 2, 0,
      // x[:,:,2]
      2, 0, 2, 0, 2, 0, 0, 1, 2, 1, 1, 0, 2, 2, 2, 2, 0, 2, 0, 0, 0, 0, 1, 1, 2
    };
    float[] w0 = {
      1, 1, -1, -1, 0, 1, -1, -1, 0, // w0[:,:,0]
      -1, 0, -1, 0, 0, -1, 1, -1, 0, // w0[:,:,1]
      0, 1, 0, 1, 0, 1, 0, -1, 1 // w0[:,:,2]
    };
    LayerHarness h = new LayerHarness(Conv2dSpec.of(1, 3, 2, 1), new Shape(1, 3, 5, 5));
    Conv2d conv = (Conv2d) h.layer;
    h.set(conv.weight(), w0);
    h.set(conv.bias(), new float[] {1});
    assertEquals(new Shape(1, 1, 3, 3), h.out);
    assertArrayEquals(new float[] {1, 0, -3, -6, 1, 1, 4, -3, 1}, h.forward(x));
  }

  /** The same demo with K = 2 filters gives a 3×3×2 volume; the first slice is o[:,:,0]. */
  @Test
  void cs231nDemoShapeWithTwoFilters() {
    assertEquals(
        new Shape(1, 2, 3, 3),
        Conv2dSpec.of(2, 3, 2, 1).outputShape("conv", new Shape(1, 3, 5, 5)));
  }

  /** 003: a 6×8 image, white (1) but for four black (0) columns, cross-correlated with [1, −1]. */
  @Test
  void edgeDetectionWithKernelOneMinusOne() {
    float[] x = {
      1, 1, 0, 0, 0, 0, 0, 1,
      1, 1, 0, 0, 0, 0, 1, 1,
      1, 1, 0, 0, 0, 0, 1, 1,
      1, 1, 0, 0, 0, 0, 1, 1,
      1, 1, 0, 0, 0, 0, 1, 1,
      1, 1, 0, 0, 0, 0, 1, 1
    };
    LayerHarness h = new LayerHarness(new Conv2dSpec(1, 1, 2, 1, 1, 0, 0), new Shape(1, 1, 6, 8));
    Conv2d conv = (Conv2d) h.layer;
    h.set(conv.weight(), new float[] {1, -1});
    assertEquals(new Shape(1, 1, 6, 7), h.out);
    // The text prints Y with every row 0, 1, 0, 0, 0, −1, 0. Its X has a first row ending "0, 1"
    // (an extraction slip: the other five rows end "1, 1"), for which corr2d gives −1 one column
    // later; rows 1–5 match the printed Y exactly.
    float[] actual = h.forward(x);
    float[] printedRow = {0, 1, 0, 0, 0, -1, 0};
    for (int r = 1; r < 6; r++) {
      float[] row = new float[7];
      System.arraycopy(actual, r * 7, row, 0, 7);
      assertArrayEquals(printedRow, row, "Y row " + r);
    }
    float[] firstRow = new float[7];
    System.arraycopy(actual, 0, firstRow, 0, 7);
    assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0, -1}, firstRow);
  }

  private static final float[] VERTICAL_EDGE = {1, 0, -1, 1, 0, -1, 1, 0, -1};

  private static float[] tenTenTenZeroZero() {
    float[] x = new float[25];
    for (int r = 0; r < 5; r++) {
      x[r * 5] = 10;
      x[r * 5 + 1] = 10;
      x[r * 5 + 2] = 10;
    }
    return x;
  }

  /** 003 "padding: valid": 5×5 with the 3×3 vertical-edge kernel, stride 1 → 3×3 of 0, 30, 30. */
  @Test
  void paddingValid() {
    LayerHarness h = new LayerHarness(Conv2dSpec.of(1, 3, 1, 0), new Shape(1, 1, 5, 5));
    h.set(((Conv2d) h.layer).weight(), VERTICAL_EDGE);
    assertEquals(new Shape(1, 1, 3, 3), h.out);
    assertArrayEquals(
        new float[] {0, 30, 30, 0, 30, 30, 0, 30, 30}, h.forward(tenTenTenZeroZero()));
  }

  /** 003 "padding: same": F = 3, stride 1, pad 1 keeps 5×5. */
  @Test
  void paddingSame() {
    LayerHarness h = new LayerHarness(Conv2dSpec.of(1, 3, 1, 1), new Shape(1, 1, 5, 5));
    h.set(((Conv2d) h.layer).weight(), VERTICAL_EDGE);
    assertEquals(new Shape(1, 1, 5, 5), h.out);
    assertArrayEquals(
        new float[] {
          -20, 0, 20, 20, 0,
          -30, 0, 30, 30, 0,
          -30, 0, 30, 30, 0,
          -30, 0, 30, 30, 0,
          -20, 0, 20, 20, 0
        },
        h.forward(tenTenTenZeroZero()));
  }

  /** 003 "Stride = 2": the same input and kernel at stride 2 → 2×2 of 0, 30. */
  @Test
  void strideTwo() {
    LayerHarness h = new LayerHarness(Conv2dSpec.of(1, 3, 2, 0), new Shape(1, 1, 5, 5));
    h.set(((Conv2d) h.layer).weight(), VERTICAL_EDGE);
    assertArrayEquals(new float[] {0, 30, 0, 30}, h.forward(tenTenTenZeroZero()));
  }

  /** 003: a 4×4 map padded by one ring of zeros keeps its size under a 3×3 kernel. */
  @Test
  void sameSizeFeatureMap() {
    float[] x = {1, 3, -1, 2, 2, -2, 0, 1, 1, 4, 0, -1, -1, 0, 3, 2};
    LayerHarness h = new LayerHarness(Conv2dSpec.of(1, 3, 1, 1), new Shape(1, 1, 4, 4));
    h.set(((Conv2d) h.layer).weight(), new float[] {0, 1, 0, 1, -1, 1, 0, 1, 0});
    assertArrayEquals(
        new float[] {4, -5, 6, -2, -2, 11, -2, 0, 4, -5, 6, 4, 2, 6, -1, 0}, h.forward(x));
  }

  /** 004: W = 10, F = 3, P = 0, S = 2 gives (10 − 3 + 0)/2 + 1 = 4.5, which is not allowed. */
  @Test
  void nonIntegerOutputSizeIsRejectedWithTheNumbers() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Conv2dSpec.of(4, 3, 2, 0).outputShape("conv1", new Shape(1, 3, 10, 10)));
    assertTrue(
        e.getMessage().contains("conv1: height: (H − F + 2P)/S + 1 = (10 − 3 + 0)/2 + 1 = 4.5"),
        e.getMessage());
    assertTrue(e.getMessage().contains("not an integer"), e.getMessage());
  }

  @Test
  void windowLargerThanInputIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> MaxPool2dSpec.of(5, 1).outputShape("pool9", new Shape(1, 1, 3, 3)));
    assertTrue(
        e.getMessage().startsWith("pool9: height: (H − F + 2P)/S + 1 = (3 − 5 + 0)/1 + 1"),
        e.getMessage());
  }

  /** 004: the worked case 7×7 input, F = 3, S = 2, P = 0 gives 3×3. */
  @Test
  void integerOutputSizeIsAccepted() {
    assertEquals(
        new Shape(2, 1, 3, 3),
        Conv2dSpec.of(1, 3, 2, 0).outputShape("conv1", new Shape(2, 1, 7, 7)));
  }
}

package io.vigil.pipeline.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.SoftmaxSpec;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.network.NodeSpec;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.pipeline.result.RegionOfInterest;
import io.vigil.pipeline.result.WindowGrid;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the windows of a frame lie, and which models cannot score windows. */
class WindowGeometryTest {

  private static final WindowGeometry LENET = WindowGeometry.of(LeNet5.spec(10), "lenet5");

  @Test
  void leNet5ScoresWindowsOf28PixelsEvery4() {
    assertEquals(new WindowGeometry(28, 28, 4, 4), LENET);
  }

  @Test
  void aFrameIsScaledSoThatOneWindowIsTheModelInput() {
    // 768×576 with 96×96 windows: scale 28/96, so 224×168 model pixels, (224 − 28)/4 + 1 = 50
    // columns and (168 − 28)/4 + 1 = 36 rows; the stride is 4 model pixels = 13.71 source pixels.
    WindowGrid g = LENET.grid(768, 576, new WindowSize(96, 96), null, "vtest.avi");
    assertEquals(new RegionOfInterest(0, 0, 768, 576), g.scored());
    assertEquals(224, g.inputWidth());
    assertEquals(168, g.inputHeight());
    assertEquals(50, g.cols());
    assertEquals(36, g.rows());
    assertEquals(96, g.windowWidth(), 1e-9);
    assertEquals(96, g.windowHeight(), 1e-9);
    assertEquals(4 * 96 / 28.0, g.strideX(), 1e-9);
    assertEquals(4 * 96 / 28.0, g.strideY(), 1e-9);
  }

  @Test
  void windowsStartAtTheRegionOfInterestAndLeaveOutLessThanOneStride() {
    // A 70×50 region at (10, 20), 28-pixel windows: (70 − 28)/4 + 1 = 11 columns covering
    // 28 + 40 = 68 pixels (2 left out), (50 − 28)/4 + 1 = 6 rows covering 48.
    WindowGrid g =
        LENET.grid(200, 100, new WindowSize(28, 28), new RegionOfInterest(10, 20, 70, 50), "cam");
    assertEquals(new RegionOfInterest(10, 20, 68, 48), g.scored());
    assertEquals(11, g.cols());
    assertEquals(6, g.rows());
    assertEquals(4, g.strideX(), 1e-9);
  }

  @Test
  void aFrameSmallerThanOneWindowIsRefusedNamingTheSource() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LENET.grid(320, 240, new WindowSize(400, 200), null, "tree.avi"));
    assertTrue(e.getMessage().contains("tree.avi"), e.getMessage());
    assertTrue(e.getMessage().contains("frame 320×240 is smaller than one window"), e.getMessage());
    assertTrue(e.getMessage().contains("400x200"), e.getMessage());
  }

  @Test
  void tinyWindowsOverAHugeFrameAreRefusedBeforeAllocating() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LENET.grid(7680, 4320, new WindowSize(28, 28), null, "8k.mp4"));
    assertTrue(e.getMessage().contains("choose larger windows"), e.getMessage());
  }

  @Test
  void aModelWithoutAFullyConnectedHeadCannotScoreWindows() {
    NetworkSpec convOnly =
        new NetworkSpec(
            1,
            28,
            28,
            List.of(new NodeSpec("conv", Conv2dSpec.of(10, 28, 1, 0), List.of("input"))));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WindowGeometry.of(convOnly, "allconv"));
    assertTrue(
        e.getMessage().contains("model allconv has no fully connected layer"), e.getMessage());
  }

  @Test
  void aModelEndingInSoftmaxIsRefused() {
    NetworkSpec softmax =
        new NetworkSpec(
            1,
            28,
            28,
            List.of(
                new NodeSpec("flatten", new FlattenSpec(), List.of("input")),
                new NodeSpec("fc", new LinearSpec(10), List.of("flatten")),
                new NodeSpec("p", new SoftmaxSpec(), List.of("fc"))));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WindowGeometry.of(softmax, "probs"));
    assertTrue(e.getMessage().contains("ends in a softmax layer"), e.getMessage());
  }

  @Test
  void windowSizesParseOrSayWhatIsWrong() {
    assertEquals(new WindowSize(96, 64), WindowSize.parseOrOff("96x64"));
    assertNull(WindowSize.parseOrOff("off"));
    assertNull(WindowSize.parseOrOff("false"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WindowSize.parseOrOff("96"));
    assertTrue(e.getMessage().contains("'96'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> WindowSize.parseOrOff("0x5"));
  }
}

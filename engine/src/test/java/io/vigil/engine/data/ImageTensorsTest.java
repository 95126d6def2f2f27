package io.vigil.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.engine.model.InputContract;
import org.junit.jupiter.api.Test;

class ImageTensorsTest {

  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};

  @Test
  void normalisesAndReplicatesGrayIntoThreeChannels() {
    LabeledImages images = new LabeledImages(1, 1, 2, new byte[] {0, (byte) 255}, new int[] {0});
    float[] out = new float[1 + 6];
    ImageTensors.normalise(images, 0, new InputContract(3, 1, 2, 0.5f, 0.25f), out, 1);
    assertArrayEquals(new float[] {0, -2, 2, -2, 2, -2, 2}, out, 1e-6f);
  }

  @Test
  void normalisesEachChannelWithItsOwnMeanAndStd() {
    // Two pixels per channel, every channel with other values: R (200, 10), G (100, 250), B (30,
    // 0).
    int[] pixels = {200, 10, 100, 250, 30, 0};
    byte[] bytes = new byte[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      bytes[i] = (byte) pixels[i];
    }
    LabeledImages images = new LabeledImages(1, 3, 1, 2, bytes, new int[] {0});
    InputContract contract = InputContract.perChannel(3, 1, 2, MEAN, STD);
    float[] out = new float[2 + 6];
    ImageTensors.normalise(images, 0, contract, out, 2);
    assertEquals(0f, out[0]);
    assertEquals(0f, out[1]);
    for (int i = 0; i < pixels.length; i++) {
      int c = i / 2;
      assertEquals((pixels[i] / 255f - MEAN[c]) / STD[c], out[2 + i], 1e-5f, "float " + i);
    }
  }

  @Test
  void grayImageReplicatedIntoChannelsIsNormalisedPerChannel() {
    LabeledImages images = new LabeledImages(1, 1, 2, new byte[] {64, (byte) 192}, new int[] {0});
    float[] out = new float[6];
    ImageTensors.normalise(images, 0, InputContract.perChannel(3, 1, 2, MEAN, STD), out, 0);
    for (int c = 0; c < 3; c++) {
      assertEquals((64 / 255f - MEAN[c]) / STD[c], out[2 * c], 1e-5f, "channel " + c);
      assertEquals((192 / 255f - MEAN[c]) / STD[c], out[2 * c + 1], 1e-5f, "channel " + c);
    }
  }
}

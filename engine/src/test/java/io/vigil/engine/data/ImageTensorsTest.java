package io.vigil.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.vigil.engine.model.InputContract;
import org.junit.jupiter.api.Test;

class ImageTensorsTest {

  @Test
  void normalisesAndReplicatesGrayIntoThreeChannels() {
    LabeledImages images = new LabeledImages(1, 1, 2, new byte[] {0, (byte) 255}, new int[] {0});
    float[] out = new float[1 + 6];
    ImageTensors.normalise(images, 0, new InputContract(3, 1, 2, 0.5f, 0.25f), out, 1);
    assertArrayEquals(new float[] {0, -2, 2, -2, 2, -2, 2}, out, 1e-6f);
  }
}

package io.vigil.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SampleWriterTest {

  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};

  @Test
  void shiftedSamplesAreNormalisedPerChannelWithEachChannelsBlackBorder() {
    // One 3×1×3 image, channels R = 200, G = 100, B = 30 everywhere.
    int[] values = {200, 100, 30};
    byte[] pixels = new byte[9];
    for (int i = 0; i < 9; i++) {
      pixels[i] = (byte) values[i / 3];
    }
    LabeledImages images = new LabeledImages(1, 3, 1, 3, pixels, new int[] {0});
    InputContract contract = InputContract.perChannel(3, 1, 3, MEAN, STD);
    SampleWriter writer = new SampleWriter(images, contract, new Augmentation(1, false));
    Random rng = new Random(3);
    boolean sawBorder = false;
    for (int draw = 0; draw < 20; draw++) {
      float[] out = new float[9];
      writer.write(0, rng, out, 0);
      for (int c = 0; c < 3; c++) {
        float image = (values[c] / 255f - MEAN[c]) / STD[c];
        float black = -MEAN[c] / STD[c];
        for (int x = 0; x < 3; x++) {
          float v = out[c * 3 + x];
          boolean isBlack = Math.abs(v - black) < 1e-5f;
          sawBorder |= isBlack;
          assertEquals(isBlack ? black : image, v, 1e-5f, "draw " + draw + " channel " + c);
        }
      }
    }
    assertEquals(true, sawBorder, "a shift by one leaves a border in 20 draws");
  }
}

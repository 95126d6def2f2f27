package io.vigil.engine.train;

import io.vigil.engine.data.ImageTensors;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import java.util.Random;

/**
 * Writes training samples into a batch buffer: the image normalised per the input contract and,
 * when asked, augmented ({@link Augmentation}: a random shift with a black border, a random
 * horizontal flip). Holds one scratch image, so one writer serves one thread.
 */
final class SampleWriter {

  private final LabeledImages images;
  private final InputContract contract;
  private final Augmentation augmentation;
  private final float[] scratch;
  private final float[] black;

  SampleWriter(LabeledImages images, InputContract contract, Augmentation augmentation) {
    this.images = images;
    this.contract = contract;
    this.augmentation = augmentation;
    this.scratch = new float[contract.size()];
    this.black = new float[contract.channels()];
    for (int c = 0; c < black.length; c++) {
      black[c] = contract.normalise(c, 0f);
    }
  }

  /** Writes image {@code index} to {@code dst[offset ..]}, drawing its changes from {@code rng}. */
  void write(int index, Random rng, float[] dst, int offset) {
    if (augmentation.isNone()) {
      ImageTensors.normalise(images, index, contract, dst, offset);
      return;
    }
    int s = augmentation.shift();
    int dx = s > 0 ? rng.nextInt(2 * s + 1) - s : 0;
    int dy = s > 0 ? rng.nextInt(2 * s + 1) - s : 0;
    boolean flip = augmentation.flip() && rng.nextBoolean();
    ImageTensors.normalise(images, index, contract, scratch, 0);
    int h = contract.height();
    int w = contract.width();
    for (int c = 0; c < contract.channels(); c++) {
      int plane = c * h * w;
      for (int y = 0; y < h; y++) {
        int sy = y + dy;
        for (int x = 0; x < w; x++) {
          int sx = (flip ? w - 1 - x : x) + dx;
          boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
          dst[offset + plane + y * w + x] = inside ? scratch[plane + sy * w + sx] : black[c];
        }
      }
    }
  }
}

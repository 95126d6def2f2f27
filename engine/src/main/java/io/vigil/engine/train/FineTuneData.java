package io.vigil.engine.train;

import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import java.util.Arrays;
import java.util.Random;

/**
 * The data side of a fine-tune: checking image sets against a model, picking images, and splitting
 * labeled frames into training and held-out blocks ({@link ReplayMix} mixes in the originals).
 */
final class FineTuneData {

  private FineTuneData() {}

  /**
   * Refuses {@code images} unless they are {@code height × width} as the contract says and every
   * label is one of {@code classes}; {@code set} names them in the message.
   */
  static void check(String set, LabeledImages images, InputContract contract, int classes) {
    if (images.height() != contract.height() || images.width() != contract.width()) {
      throw new IllegalArgumentException(
          set
              + ": images are "
              + images.height()
              + "×"
              + images.width()
              + " but the model takes "
              + contract.height()
              + "×"
              + contract.width());
    }
    int[] labels = images.labels();
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            set
                + ": image "
                + i
                + " has label "
                + labels[i]
                + " but the model knows "
                + classes
                + " classes");
      }
    }
  }

  /** The images of {@code images} at {@code indices}, in that order. */
  static LabeledImages select(LabeledImages images, int[] indices) {
    int size = images.imageSize();
    byte[] pixels = new byte[indices.length * size];
    int[] labels = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(images.pixels(), indices[i] * size, pixels, i * size, size);
      labels[i] = images.labels()[indices[i]];
    }
    return new LabeledImages(
        indices.length, images.channels(), images.height(), images.width(), pixels, labels);
  }

  /** See {@link FineTuner#splitHoldout}. */
  static LabeledImages[] splitHoldout(
      LabeledImages frames, double holdoutFraction, int blockSize, long seed) {
    if (!(holdoutFraction > 0 && holdoutFraction < 1)) {
      throw new IllegalArgumentException(
          "split: holdoutFraction must be in (0, 1), got " + holdoutFraction);
    }
    if (blockSize < 1) {
      throw new IllegalArgumentException("split: blockSize must be ≥ 1, got " + blockSize);
    }
    int blocks = (frames.count() + blockSize - 1) / blockSize;
    if (blocks < 2) {
      throw new IllegalArgumentException(
          "split: "
              + frames.count()
              + " frames make "
              + blocks
              + " block(s) of "
              + blockSize
              + "; need at least 2 to hold one out");
    }
    int heldBlocks = (int) Math.max(1, Math.min(blocks - 1, Math.round(holdoutFraction * blocks)));
    int[] order = new int[blocks];
    for (int i = 0; i < blocks; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = blocks - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    boolean[] held = new boolean[blocks];
    for (int i = 0; i < heldBlocks; i++) {
      held[order[i]] = true;
    }
    int[] train = new int[frames.count()];
    int[] holdout = new int[frames.count()];
    int nTrain = 0;
    int nHoldout = 0;
    for (int f = 0; f < frames.count(); f++) {
      if (held[f / blockSize]) {
        holdout[nHoldout++] = f;
      } else {
        train[nTrain++] = f;
      }
    }
    return new LabeledImages[] {
      select(frames, Arrays.copyOf(train, nTrain)), select(frames, Arrays.copyOf(holdout, nHoldout))
    };
  }
}

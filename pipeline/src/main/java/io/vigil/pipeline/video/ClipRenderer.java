package io.vigil.pipeline.video;

import io.vigil.engine.data.Appearance;
import io.vigil.engine.data.LabeledImages;
import java.util.Arrays;
import java.util.Random;

/**
 * Draws the frames of a {@link ClipSpec} as 8-bit gray images, one after the other, without
 * encoding them. The source image (its first channel) is changed by the frame's {@link Appearance}
 * at its own size, then scaled with nearest-neighbour sampling, so at a whole scale factor each
 * changed source pixel becomes an exact block and averaging the block gives it back.
 *
 * <p>One generator, seeded by the spec, is drawn from in a fixed order: per item, four draws for
 * its motion, then whatever its appearance draws ({@link Appearance#DARK_NOISE}: one Gaussian per
 * source pixel); per frame, the frame's noise. An appearance that changes in the middle of an item
 * draws the item's appearance again at the change.
 */
final class ClipRenderer {

  private final LabeledImages images;
  private final ClipSpec spec;
  // java.util.Random's sequence is specified exactly, so a seed gives the same clip on every JDK.
  private final Random random;
  private final byte[] source;
  private final byte[] item;
  private int currentItem = -1;
  private Appearance currentAppearance;
  private int startX;
  private int startY;
  private int endX;
  private int endY;

  ClipRenderer(LabeledImages images, ClipSpec spec) {
    if ((long) spec.firstIndex() + spec.items() > images.count()) {
      throw new IllegalArgumentException(
          "clip spec: items "
              + spec.firstIndex()
              + " to "
              + ((long) spec.firstIndex() + spec.items() - 1)
              + " requested, the image set has "
              + images.count());
    }
    this.images = images;
    this.spec = spec;
    this.random = new Random(spec.seed());
    this.source = new byte[images.height() * images.width()];
    this.item = new byte[spec.itemSize() * spec.itemSize()];
  }

  /** The label of frame {@code frame}. */
  int labelOf(int frame) {
    return images.labels()[spec.firstIndex() + frame / spec.framesPerItem()];
  }

  /**
   * Draws frame {@code frame} into {@code canvas} ({@code scale × scale} bytes, row after row).
   * Frames must be drawn in order, from 0: the random motion and noise follow the sequence.
   */
  void draw(int frame, byte[] canvas) {
    int index = spec.firstIndex() + frame / spec.framesPerItem();
    Appearance appearance = spec.appearanceAt(frame);
    if (index != currentItem) {
      startItem(index);
      renderItem(appearance);
    } else if (appearance != currentAppearance) {
      renderItem(appearance);
    }
    int step = frame % spec.framesPerItem();
    double t = spec.framesPerItem() == 1 ? 0 : step / (double) (spec.framesPerItem() - 1);
    int left = spec.motion() + (int) Math.round(startX + (endX - startX) * t);
    int top = spec.motion() + (int) Math.round(startY + (endY - startY) * t);
    int scale = spec.scale();
    int size = spec.itemSize();
    Arrays.fill(canvas, (byte) 0);
    for (int y = 0; y < size; y++) {
      System.arraycopy(item, y * size, canvas, (top + y) * scale + left, size);
    }
    if (spec.noise() > 0) {
      double sigma = spec.noise() * 255;
      for (int i = 0; i < canvas.length; i++) {
        long v = Math.round((canvas[i] & 0xFF) + random.nextGaussian() * sigma);
        canvas[i] = (byte) Math.max(0, Math.min(255, v));
      }
    }
  }

  private void startItem(int index) {
    currentItem = index;
    // Four draws per item whatever the motion, so items keep their noise when motion changes.
    int range = 2 * spec.motion() + 1;
    startX = random.nextInt(range) - spec.motion();
    startY = random.nextInt(range) - spec.motion();
    endX = random.nextInt(range) - spec.motion();
    endY = random.nextInt(range) - spec.motion();
  }

  /** The current item's source image changed by {@code appearance}, scaled into {@code item}. */
  private void renderItem(Appearance appearance) {
    currentAppearance = appearance;
    int h = images.height();
    int w = images.width();
    System.arraycopy(images.pixels(), currentItem * images.imageSize(), source, 0, h * w);
    appearance.apply(source, 0, 1, h, w, random);
    int size = spec.itemSize();
    for (int y = 0; y < size; y++) {
      int sy = y * h / size;
      for (int x = 0; x < size; x++) {
        int sx = x * w / size;
        int v = (int) Math.round((source[sy * w + sx] & 0xFF) * spec.brightness());
        item[y * size + x] = (byte) Math.min(255, v);
      }
    }
  }
}

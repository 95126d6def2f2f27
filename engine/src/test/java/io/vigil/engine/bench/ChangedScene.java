package io.vigil.engine.bench;

import io.vigil.engine.data.Appearance;
import io.vigil.engine.data.LabeledImages;
import java.util.Random;

/**
 * The data of one fine-tune benchmark run: {@code newTrain} and {@code newHoldout} are training
 * images changed by an appearance (the first {@code n} and the next {@value #HOLDOUT} of a
 * permutation drawn from {@code dataSeed}), {@code changedTest} the whole test set changed the same
 * way. Fixed seeds for the changes themselves (only {@link Appearance#DARK_NOISE} draws), so runs
 * with the same {@code n} and {@code dataSeed} see the same images.
 */
public record ChangedScene(
    Appearance appearance,
    LabeledImages newTrain,
    LabeledImages newHoldout,
    LabeledImages changedTest) {

  /** Changed training images held out from fine-tuning, for the gate. */
  public static final int HOLDOUT = 1_000;

  public static ChangedScene of(
      LabeledImages train, LabeledImages test, Appearance appearance, int n, long dataSeed) {
    int[] order = new int[train.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random random = new Random(dataSeed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return new ChangedScene(
        appearance,
        appearance.applyTo(pick(train, order, 0, n), 11),
        appearance.applyTo(pick(train, order, n, n + HOLDOUT), 12),
        appearance.applyTo(test, 13));
  }

  /** The images at {@code order[from .. to)}. */
  private static LabeledImages pick(LabeledImages images, int[] order, int from, int to) {
    int size = images.imageSize();
    int count = to - from;
    byte[] pixels = new byte[count * size];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      System.arraycopy(images.pixels(), order[from + i] * size, pixels, i * size, size);
      labels[i] = images.labels()[order[from + i]];
    }
    return new LabeledImages(
        count, images.channels(), images.height(), images.width(), pixels, labels);
  }
}

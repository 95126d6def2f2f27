package io.vigil.engine.train;

import io.vigil.engine.data.LabeledImages;
import java.util.Arrays;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * The training set of each epoch of a fine-tune: every new image, followed by {@code perEpoch}
 * originals replayed from a pool, other ones every epoch. The originals of the whole run are drawn
 * from the seed without replacement while the pool lasts (then the pool is drawn again), so {@code
 * epochs} epochs replay {@code min(pool, epochs × perEpoch)} distinct originals: more of the old
 * scene is revisited than by replaying the same few every epoch, which is what keeps it from being
 * forgotten.
 *
 * <p>One buffer serves every epoch: the set {@link #apply} returns for an epoch is overwritten by
 * the next call, so use it only until then (the trainer does).
 */
final class ReplayMix implements IntFunction<LabeledImages> {

  /** Mixed into the seed so that the replay draw and the epoch shuffles are independent. */
  private static final long REPLAY_STREAM = 0x5eed_4e9_1a7L;

  private final LabeledImages pool;
  private final int newCount;
  private final int perEpoch;
  private final int[] drawn;
  private final LabeledImages mixed;

  ReplayMix(LabeledImages newImages, LabeledImages pool, int perEpoch, int epochs, long seed) {
    if (perEpoch > 0 && pool.channels() != newImages.channels()) {
      throw new IllegalArgumentException(
          "replay pool: images have "
              + pool.channels()
              + " channels but the new frames "
              + newImages.channels());
    }
    this.pool = pool;
    this.newCount = newImages.count();
    this.perEpoch = perEpoch;
    this.drawn = draw(pool.count(), Math.multiplyExact(perEpoch, epochs), seed);
    int count = newCount + perEpoch;
    int size = newImages.imageSize();
    byte[] pixels = Arrays.copyOf(newImages.pixels(), Math.multiplyExact(count, size));
    int[] labels = Arrays.copyOf(newImages.labels(), count);
    this.mixed =
        new LabeledImages(
            count, newImages.channels(), newImages.height(), newImages.width(), pixels, labels);
  }

  /** Images in every epoch's set. */
  int count() {
    return mixed.count();
  }

  /** Distinct originals the whole run replays. */
  int distinctReplayed() {
    return Math.min(pool.count(), drawn.length);
  }

  /** The set of epoch {@code epoch} (1-based): the new images, then this epoch's originals. */
  @Override
  public LabeledImages apply(int epoch) {
    int size = mixed.imageSize();
    int first = (epoch - 1) * perEpoch;
    for (int i = 0; i < perEpoch; i++) {
      int from = drawn[(first + i) % drawn.length];
      int to = newCount + i;
      System.arraycopy(pool.pixels(), from * size, mixed.pixels(), to * size, size);
      mixed.labels()[to] = pool.labels()[from];
    }
    return mixed;
  }

  /**
   * {@code count} indices into a pool of {@code poolSize} images, drawn from {@code seed} without
   * replacement; when more are asked than the pool holds, the whole pool in every full round and
   * the rest drawn in a last one.
   */
  static int[] draw(int poolSize, int count, long seed) {
    if (count > 0 && poolSize == 0) {
      throw new IllegalArgumentException(
          "replay pool: " + count + " images to replay but the pool is empty");
    }
    Random random = new Random(seed ^ REPLAY_STREAM);
    int[] out = new int[count];
    int[] pool = new int[poolSize];
    for (int done = 0; done < count; ) {
      for (int i = 0; i < poolSize; i++) {
        pool[i] = i;
      }
      // A partial Fisher–Yates: the first `take` entries are a uniform draw without replacement.
      int take = Math.min(poolSize, count - done);
      for (int i = 0; i < take; i++) {
        int j = i + random.nextInt(poolSize - i);
        int t = pool[i];
        pool[i] = pool[j];
        pool[j] = t;
        out[done + i] = pool[i];
      }
      done += take;
    }
    return out;
  }
}

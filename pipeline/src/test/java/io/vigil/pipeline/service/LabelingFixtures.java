package io.vigil.pipeline.service;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import java.util.List;
import java.util.Random;

/** Frames and results as the pipeline's taps hand them over, for the labeling tests. */
final class LabelingFixtures {

  static final InputContract INPUT = LeNet5.INPUT;
  static final List<String> CLASSES = FashionMnist.CLASS_NAMES;

  private LabelingFixtures() {}

  /** A 0–255 picture of the model's input size, from {@code seed}. */
  static byte[] picture(long seed) {
    byte[] bytes = new byte[INPUT.size()];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** {@code picture} as the model's normalised input, as the preprocessor makes it. */
  static float[] normalised(byte[] picture) {
    float[] v = new float[picture.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = INPUT.normalise((picture[i] & 0xff) / 255f);
    }
    return v;
  }

  /** Frame {@code index} of {@code stream}, showing {@link #picture(long) picture(index)}. */
  static StreamItem.Frame frame(String stream, long index) {
    return new StreamItem.Frame(
        stream,
        index,
        index * 33_333,
        0,
        0,
        normalised(picture(stream.hashCode() * 1_000_003L + index)));
  }

  /** The picture frame {@code index} of {@code stream} shows. */
  static byte[] pictureOf(String stream, long index) {
    return picture(stream.hashCode() * 1_000_003L + index);
  }

  /** A result whose top-1 (Shirt) scores {@code top1} and top-2 (T-shirt/top) {@code top2}. */
  static FrameResult result(String stream, long index, float top1, float top2) {
    return new FrameResult(
        stream,
        index,
        index * 33_333,
        "v1",
        List.of(new LabelScore(6, CLASSES.get(6), top1), new LabelScore(0, CLASSES.get(0), top2)),
        1.0);
  }

  /** A result the model is unsure of: top-1 0.4 leading by {@code margin}. */
  static FrameResult doubtful(String stream, long index, float margin) {
    return result(stream, index, 0.4f, 0.4f - margin);
  }

  /**
   * Settings with {@code perStream} items (any two frames apart) and {@code maxPending} waiting
   * frames per stream.
   */
  static LabelingSettings settings(int perStream, int maxPending, int perClip, int minClip) {
    return new LabelingSettings(0.5, 0.15, perStream, 1, maxPending, perClip, minClip, 10);
  }

  /** Frame {@code index} of {@code stream}, showing {@code picture}. */
  static StreamItem.Frame frameShowing(String stream, long index, byte[] picture) {
    return new StreamItem.Frame(stream, index, index * 33_333, 0, 0, normalised(picture));
  }
}

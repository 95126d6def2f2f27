package io.vigil.pipeline.service;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * How the labeling queue picks frames and turns labels into training data (configuration block
 * {@code vigil.serve.labeling}).
 *
 * <p>A frame is worth a person's look when the model is unsure of it: its top-1 score is below
 * {@code maxTopScore}, or its top-1 score leads the top-2 by less than {@code maxMargin}. Among
 * those, the queue keeps the least sure (smallest margin) first.
 *
 * <p>How many labels make a clip is bounded by what the trainer does with one: it holds out {@code
 * vigil.retrain.holdout} (0.2) of the new frames for the gate, in blocks of {@code
 * vigil.retrain.holdout-block} (10) frames, and fails a run of fewer than two blocks. A clip of
 * {@code n} labeled frames therefore gives the gate {@code max(1, round(0.2 × ⌈n / 10⌉))} blocks:
 * 10 held-out frames of 50 (one frame = 10 points of accuracy, against the gate's +2-point minimum
 * gain), 20 of 100, 40 of 200. Measured ({@code bench/pipeline/labeling-gate.sh}: the sample model,
 * the inverted scene of the sample clip, the queue's frames labeled right): with 50 labels the
 * new-scene figure is chance (50 % → 30 % with a fine-tune that helps at 100); with 100 and 200 the
 * candidate gains 25 to 40 points there. The original-data check is as strong at any {@code n}, and
 * it is the one that fails with the default fine-tune (tuned for clips of thousands of frames): the
 * original falls 2.9 to 4 points. A gentler fine-tune ({@code vigil.retrain.fine-tune.learning-rate
 * = 0.0002}, {@code replay-ratio = 4}) keeps it within 0.6 point, and the candidate passes at 100
 * and 200 labels. Hence 100 labels per clip by default.
 *
 * @param maxTopScore a frame whose top-1 score is below this is unsure (0 to 1)
 * @param maxMargin a frame whose top-1 score minus its top-2 score is below this is unsure (0 to 1;
 *     a result that gives only one label counts its top-2 score as 0)
 * @param perStream unsure frames kept per stream for labeling; when full, the least sure stay
 * @param minGap frames kept for labeling are at least this many frames apart in their stream (1:
 *     any two), so that a page of them is not one moment seen many times; of two closer ones the
 *     less sure stays
 * @param maxPending frames per stream kept while they wait for their result; a frame the pipeline
 *     dropped never gets one and is forgotten once this many newer frames came
 * @param framesPerClip labeled frames written as one clip into the inbox as soon as they are there
 * @param minClipFrames the fewest labeled frames an explicit submit writes: two hold-out blocks, so
 *     that the trainer can split them (with fewer it fails the run)
 * @param fps frame rate written into the clips (their frames are stills: any rate works)
 */
public record LabelingSettings(
    double maxTopScore,
    double maxMargin,
    int perStream,
    int minGap,
    int maxPending,
    int framesPerClip,
    int minClipFrames,
    double fps) {

  public LabelingSettings {
    require(
        maxTopScore >= 0 && maxTopScore <= 1,
        "max-top-score must be in [0, 1], got " + maxTopScore);
    require(maxMargin >= 0 && maxMargin <= 1, "max-margin must be in [0, 1], got " + maxMargin);
    require(perStream >= 1, "per-stream must be at least 1, got " + perStream);
    require(minGap >= 1, "min-gap must be at least 1, got " + minGap);
    require(maxPending >= 1, "max-pending must be at least 1, got " + maxPending);
    require(minClipFrames >= 1, "min-clip-frames must be at least 1, got " + minClipFrames);
    require(
        framesPerClip >= minClipFrames,
        "frames-per-clip ("
            + framesPerClip
            + ") must be at least min-clip-frames ("
            + minClipFrames
            + ")");
    require(fps > 0 && Double.isFinite(fps), "fps must be positive, got " + fps);
  }

  /**
   * Top-1 below 0.5 or a lead under 0.15: for a ten-class softmax model these are the frames it
   * splits between two classes, where one label teaches it most. 50 kept per stream (a page a
   * person can go through), at least 3 frames apart (the sample clips show each item for 2 or 3
   * frames; raise it for a camera, whose neighbouring frames are near copies), 128 waiting for
   * their results (four seconds at 30 frames/s, far past the pipeline's latency bound), 100 labels
   * per clip (20 held-out frames for the gate, see above), at least 20 on submit (two hold-out
   * blocks of 10; the gate's new-scene figure is then chance).
   */
  public static LabelingSettings defaults() {
    return new LabelingSettings(0.5, 0.15, 50, 3, 128, 100, 20, 10);
  }

  /**
   * The settings of a {@code vigil.serve.labeling} block.
   *
   * @throws IllegalArgumentException naming the key when a value is missing or out of range
   */
  public static LabelingSettings from(Config labeling) {
    try {
      return new LabelingSettings(
          labeling.getDouble("max-top-score"),
          labeling.getDouble("max-margin"),
          labeling.getInt("per-stream"),
          labeling.getInt("min-gap"),
          labeling.getInt("max-pending"),
          labeling.getInt("frames-per-clip"),
          labeling.getInt("min-clip-frames"),
          labeling.getDouble("fps"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          "bad configuration in vigil.serve.labeling: " + e.getMessage(), e);
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("vigil.serve.labeling." + message);
    }
  }
}

package io.vigil.pipeline.stream;

import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.frame.WindowSampling;
import io.vigil.pipeline.video.PictureFormat;
import io.vigil.pipeline.video.Preprocessing;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * How a {@link DecoderSource} reads one stream.
 *
 * @param preprocessing how frames are fitted to the model's input (resize mode, region of interest)
 * @param pacing as fast as the pipeline takes frames, or released like a camera's, maybe looping
 * @param endMarker whether to emit {@link StreamItem.End} at the end (a reconnecting live source
 *     and the real-time stream manager emit their own)
 * @param keepImages whether every frame also carries a copy of its decoded picture (for an
 *     annotated video)
 * @param corruptFrames told, as decoding meets them, of frames delivered damaged and of decode
 *     errors, and at each end of the input of the frames estimated lost ({@link
 *     io.vigil.pipeline.result.DecodeReport}'s counts); for real-time metrics, where a looping or
 *     live stream has no single end report. Null when the end marker's report is enough.
 * @param windows how to prepare every frame for sliding-window scoring as well, or null for whole
 *     frames only
 * @param shedding asked before each frame whether to pass it on unconverted because it would be
 *     dropped anyway (see {@link StreamItem.Frame#converted()}); null: convert every frame
 * @param lag how a paced source catches up when it falls behind its frames' capture times, or null
 *     never to shed for lag
 */
public record DecodeOptions(
    Preprocessing preprocessing,
    Pacing pacing,
    boolean endMarker,
    boolean keepImages,
    LongConsumer corruptFrames,
    WindowSampling windows,
    ShedSignal shedding,
    LagShedding lag) {

  public DecodeOptions {
    Objects.requireNonNull(preprocessing, "preprocessing");
    Objects.requireNonNull(pacing, "pacing");
  }

  /** Offline reading: whole frames stretched, as fast as possible, with an end marker. */
  public static final DecodeOptions OFFLINE =
      new DecodeOptions(Preprocessing.STRETCH, Pacing.NONE, true, false, null, null, null, null);

  /**
   * The form a decoder for these options should hand over pictures in: {@link
   * PictureFormat#NATIVE}, scaled to the model's input in one pass, unless the stream needs each
   * whole picture in colour as well (an annotated video, sliding windows).
   */
  public PictureFormat pictureFormat() {
    return keepImages || windows != null ? PictureFormat.BGR : PictureFormat.NATIVE;
  }

  /** The same, fitting frames as {@code p} says. */
  public DecodeOptions withPreprocessing(Preprocessing p) {
    return new DecodeOptions(
        p, pacing, endMarker, keepImages, corruptFrames, windows, shedding, lag);
  }

  /** The same, released as {@code p} says. */
  public DecodeOptions withPacing(Pacing p) {
    return new DecodeOptions(
        preprocessing, p, endMarker, keepImages, corruptFrames, windows, shedding, lag);
  }

  /** The same, with or without an end marker. */
  public DecodeOptions withEndMarker(boolean marker) {
    return new DecodeOptions(
        preprocessing, pacing, marker, keepImages, corruptFrames, windows, shedding, lag);
  }

  /** The same, keeping a copy of each decoded picture or not. */
  public DecodeOptions withKeepImages(boolean keep) {
    return new DecodeOptions(
        preprocessing, pacing, endMarker, keep, corruptFrames, windows, shedding, lag);
  }

  /** The same, telling {@code counter} of corrupt frames as they are met. */
  public DecodeOptions withCorruptFrames(LongConsumer counter) {
    return new DecodeOptions(
        preprocessing, pacing, endMarker, keepImages, counter, windows, shedding, lag);
  }

  /** The same, preparing every frame for sliding-window scoring as {@code w} says (null: not). */
  public DecodeOptions withWindows(WindowSampling w) {
    return new DecodeOptions(
        preprocessing, pacing, endMarker, keepImages, corruptFrames, w, shedding, lag);
  }

  /** The same, catching up as {@code l} says when a paced source falls behind (null: never). */
  public DecodeOptions withLag(LagShedding l) {
    return new DecodeOptions(
        preprocessing, pacing, endMarker, keepImages, corruptFrames, windows, shedding, l);
  }

  /** The same, asking {@code signal} before each frame whether to shed it (null: never). */
  public DecodeOptions withShedding(ShedSignal signal) {
    return new DecodeOptions(
        preprocessing, pacing, endMarker, keepImages, corruptFrames, windows, signal, lag);
  }
}

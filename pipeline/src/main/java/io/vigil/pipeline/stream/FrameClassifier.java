package io.vigil.pipeline.stream;

import io.vigil.pipeline.analyze.FrameResult;
import io.vigil.pipeline.window.WindowSampling;
import java.util.List;

/**
 * Classifies one batch of frames, which may come from many streams, and returns one result per
 * frame in the same order. Implementations hold engine buffers and are not thread-safe: the stream
 * calls one from one engine thread at a time.
 */
public interface FrameClassifier extends AutoCloseable {

  /** Results for {@code frames}, in order; {@code frames.size()} is at most the batch size. */
  List<FrameResult> classify(List<StreamItem.Frame> frames);

  /** The version of the model that produces the results. */
  String modelVersion();

  /** The model's class names, in index order. */
  List<String> classNames();

  /**
   * What the decoders must prepare for each frame besides its whole-frame input so that this
   * classifier can also score the frame's windows; null (the default) when it classifies whole
   * frames only.
   */
  default WindowSampling windowSampling() {
    return null;
  }

  @Override
  void close();
}

package io.vigil.pipeline.stream;

import io.vigil.pipeline.analyze.FrameResult;
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

  @Override
  void close();
}

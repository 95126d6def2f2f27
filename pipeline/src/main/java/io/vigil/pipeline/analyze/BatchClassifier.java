package io.vigil.pipeline.analyze;

import io.vigil.engine.model.Model;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.stream.StreamItem;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the engine on one batch of frames of a single stream and turns its probabilities into ranked
 * labels (an {@link EngineClassifier} for one stream).
 *
 * <p>Holds one predictor and its buffers, reused for every batch, so it is not thread-safe: the
 * stream calls it from one engine thread at a time.
 */
final class BatchClassifier implements AutoCloseable {

  private final EngineClassifier engine;

  BatchClassifier(Model model, int maxBatch, int topK) {
    this.engine = new EngineClassifier(model, maxBatch, topK);
  }

  /** Classifies the frames of one batch, in order. */
  List<FrameResult> classify(String stream, List<FrameSample> batch) {
    List<StreamItem.Frame> frames = new ArrayList<>(batch.size());
    for (FrameSample s : batch) {
      frames.add(
          new StreamItem.Frame(
              stream, s.index(), s.ptsMicros(), s.decodedAtNanos(), 0, s.pixels()));
    }
    return engine.classify(frames);
  }

  @Override
  public void close() {
    engine.close();
  }
}

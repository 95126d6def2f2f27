package io.vigil.pipeline.realtime;

import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import java.util.ArrayList;
import java.util.List;

/** A classifier that takes a fixed time per batch and always answers class 0: load on demand. */
final class FakeClassifier implements FrameClassifier {

  private final long delayMillis;

  FakeClassifier(long delayMillis) {
    this.delayMillis = delayMillis;
  }

  @Override
  public List<FrameResult> classify(List<StreamItem.Frame> frames) {
    if (delayMillis > 0) {
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("fake classifier interrupted", e);
      }
    }
    long now = System.nanoTime();
    List<FrameResult> results = new ArrayList<>(frames.size());
    for (StreamItem.Frame f : frames) {
      results.add(
          new FrameResult(
              f.stream(),
              f.index(),
              f.ptsMicros(),
              modelVersion(),
              List.of(new LabelScore(0, "zero", 1f)),
              (now - f.capturedAtNanos()) / 1e6,
              f.capturedAtMillis()));
    }
    return results;
  }

  @Override
  public String modelVersion() {
    return "fake-" + delayMillis + "ms";
  }

  @Override
  public List<String> classNames() {
    return List.of("zero", "one");
  }

  @Override
  public void close() {}
}

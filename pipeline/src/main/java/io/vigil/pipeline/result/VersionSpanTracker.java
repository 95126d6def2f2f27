package io.vigil.pipeline.result;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the {@link VersionSpan}s of one stream: fed its results one at a time, in frame order, it
 * starts a span whenever the model version changes. Where the stream's true labels are known, each
 * span also counts its labeled frames and the right answers among them.
 */
public final class VersionSpanTracker {

  private final boolean labelsKnown;
  private final List<VersionSpan> spans = new ArrayList<>();
  private String model;
  private long firstFrame;
  private long lastFrame;
  private long frames;
  private long labeled;
  private long correct;

  /**
   * @param labelsKnown whether the stream's true labels are known (the spans then carry accuracy)
   */
  public VersionSpanTracker(boolean labelsKnown) {
    this.labelsKnown = labelsKnown;
  }

  /** Adds the next result of a stream whose labels are not known. */
  public void add(String version, long frame) {
    add(version, frame, false, false);
  }

  /**
   * Adds the next result.
   *
   * @param labeled whether the frame's true label is known
   * @param right whether the best label was the true one (ignored when not labeled)
   */
  public void add(String version, long frame, boolean labeled, boolean right) {
    if (!version.equals(model)) {
      closeSpan();
      model = version;
      firstFrame = frame;
    }
    lastFrame = frame;
    frames++;
    if (labeled) {
      this.labeled++;
      if (right) {
        correct++;
      }
    }
  }

  /** The version of the latest result, or null before the first. */
  public String lastModel() {
    return model;
  }

  /** The spans so far, the open one included, in order. */
  public List<VersionSpan> spans() {
    List<VersionSpan> all = new ArrayList<>(spans);
    if (model != null) {
      all.add(span());
    }
    return all;
  }

  private void closeSpan() {
    if (model != null) {
      spans.add(span());
      frames = 0;
      labeled = 0;
      correct = 0;
    }
  }

  private VersionSpan span() {
    return new VersionSpan(
        model,
        firstFrame,
        lastFrame,
        frames,
        labelsKnown ? new VersionSpan.Accuracy(labeled, correct) : null);
  }
}

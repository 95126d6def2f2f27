package io.vigil.pipeline.result;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the segments of a stream where the top label holds: runs of consecutive frames with the
 * same best label, kept when at least {@code minFrames} long. Fed one frame at a time, in order.
 */
public final class SegmentTracker {

  private final int minFrames;
  private final List<Segment> segments = new ArrayList<>();
  private int label = -1;
  private String name;
  private long firstFrame;
  private long lastFrame;
  private long firstPts;
  private long lastPts;

  /** A tracker keeping runs of at least {@code minFrames} frames (≥ 1). */
  public SegmentTracker(int minFrames) {
    if (minFrames < 1) {
      throw new IllegalArgumentException("segment min-frames must be at least 1, got " + minFrames);
    }
    this.minFrames = minFrames;
  }

  /** Adds the next frame of the stream. */
  public void add(long frame, long ptsMicros, int topLabel, String topName) {
    if (topLabel != label) {
      close();
      label = topLabel;
      name = topName;
      firstFrame = frame;
      firstPts = ptsMicros;
    }
    lastFrame = frame;
    lastPts = ptsMicros;
  }

  /** The segments found, the open run included if it is long enough. */
  public List<Segment> segments() {
    List<Segment> all = new ArrayList<>(segments);
    if (label >= 0 && lastFrame - firstFrame + 1 >= minFrames) {
      all.add(new Segment(name, firstFrame, lastFrame, firstPts, lastPts));
    }
    return all;
  }

  private void close() {
    if (label >= 0 && lastFrame - firstFrame + 1 >= minFrames) {
      segments.add(new Segment(name, firstFrame, lastFrame, firstPts, lastPts));
    }
  }

  /** Frames {@code first..last} (inclusive) all had {@code label} as their best label. */
  public record Segment(
      String label, long first, long last, long startPtsMicros, long endPtsMicros) {
    /** Frames in the segment. */
    public long frames() {
      return last - first + 1;
    }
  }
}

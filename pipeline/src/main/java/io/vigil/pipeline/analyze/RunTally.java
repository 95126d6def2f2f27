package io.vigil.pipeline.analyze;

import java.util.List;

/**
 * Counts what a run produced, batch by batch: frames, frames per top-1 label and, where the true
 * labels are known, how many were right. Lives inside one stream stage, so it is not shared.
 */
final class RunTally {

  private final long[] perClass;
  private final int[] trueLabels;
  private long frames;
  private long labeled;
  private long correct;

  /**
   * @param classes number of classes of the model
   * @param trueLabels the true class of each frame, or an empty array when unknown
   */
  RunTally(int classes, int[] trueLabels) {
    this.perClass = new long[classes];
    this.trueLabels = trueLabels;
  }

  RunTally add(List<FrameResult> batch) {
    for (FrameResult r : batch) {
      int predicted = r.top().get(0).classIndex();
      perClass[predicted]++;
      frames++;
      if (r.frame() < trueLabels.length) {
        labeled++;
        if (trueLabels[(int) r.frame()] == predicted) {
          correct++;
        }
      }
    }
    return this;
  }

  long frames() {
    return frames;
  }

  long[] perClass() {
    return perClass.clone();
  }

  long labeled() {
    return labeled;
  }

  long correct() {
    return correct;
  }
}

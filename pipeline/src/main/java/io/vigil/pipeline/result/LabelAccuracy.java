package io.vigil.pipeline.result;

/**
 * How a stream's best labels compare with its true labels (from a label file such as {@code vigil
 * make-clip} writes).
 *
 * @param labelRows frames the label file lists
 * @param labeledFrames frames classified whose true label was listed
 * @param correct of those, the frames whose best label was the true one
 */
public record LabelAccuracy(int labelRows, long labeledFrames, long correct) {

  /** The share of labeled frames classified right, or NaN when none was labeled. */
  public double accuracy() {
    return labeledFrames == 0 ? Double.NaN : (double) correct / labeledFrames;
  }
}

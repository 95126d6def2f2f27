package io.vigil.pipeline.realtime;

/**
 * The true labels of a file stream, from the file's {@code VIDEO.labels.csv} sidecar: one class
 * index per frame of the file. A looping stream numbers its frames on across passes, so its frame n
 * is the file's frame n modulo the file's length.
 *
 * @param labels the class index of every frame of the file
 * @param loops whether the stream plays the file again and again
 */
public record FileLabels(int[] labels, boolean loops) {

  public FileLabels {
    if (labels.length == 0) {
      throw new IllegalArgumentException("a label file with no frames");
    }
  }

  /** The class index of the stream's frame {@code frame}, or -1 when the file does not say. */
  public int labelOf(long frame) {
    if (frame < 0) {
      return -1;
    }
    if (loops) {
      return labels[(int) (frame % labels.length)];
    }
    return frame < labels.length ? labels[(int) frame] : -1;
  }
}

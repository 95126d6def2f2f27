package io.vigil.engine.train;

/**
 * Accuracy (fraction of images whose most probable class is the label) and confusion matrix: {@code
 * confusion[trueClass][predictedClass]} counts images.
 */
public record EvaluationResult(double accuracy, int[][] confusion) {

  /** Number of images evaluated. */
  public long count() {
    long n = 0;
    for (int[] row : confusion) {
      for (int v : row) {
        n += v;
      }
    }
    return n;
  }
}

package io.vigil.pipeline.result;

import java.util.List;

/**
 * The best label of every window of one frame: {@code rows × cols} cells in row-major order, cell
 * {@code (r, c)} being the window at {@code (grid.scored().x() + c·grid.strideX(),
 * grid.scored().y() + r·grid.strideY())} of {@code grid.windowWidth() × grid.windowHeight()} source
 * pixels.
 *
 * @param grid where the windows lie
 * @param classes the index of each cell's best class
 * @param scores that class's softmax probability in the cell
 * @param classNames the model's class names, by index
 */
public record LabelMap(WindowGrid grid, int[] classes, float[] scores, List<String> classNames) {

  public LabelMap {
    int cells = grid.rows() * grid.cols();
    if (classes.length != cells || scores.length != cells) {
      throw new IllegalArgumentException(
          "label map of "
              + grid.rows()
              + "×"
              + grid.cols()
              + " windows needs "
              + cells
              + " labels and scores, got "
              + classes.length
              + " and "
              + scores.length);
    }
  }

  /** The best class of window {@code (row, col)}. */
  public int classAt(int row, int col) {
    return classes[row * grid.cols() + col];
  }

  /** Its name. */
  public String labelAt(int row, int col) {
    return classNames.get(classAt(row, col));
  }

  /** Its probability. */
  public float scoreAt(int row, int col) {
    return scores[row * grid.cols() + col];
  }
}

package io.vigil.pipeline.frame;

import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.SoftmaxSpec;
import io.vigil.engine.network.FullyConnectedToConv;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.network.NodeSpec;
import io.vigil.engine.tensor.Shape;
import io.vigil.pipeline.result.RegionOfInterest;
import io.vigil.pipeline.result.WindowGrid;

/**
 * How a model's convolutionalised network scores windows: its input size (one window) and the
 * stride between neighbouring windows, both in model pixels. On an input of {@code inputWidth +
 * (cols − 1)·strideX} × {@code inputHeight + (rows − 1)·strideY} the converted network gives a
 * {@code rows × cols} map of class scores (see {@link FullyConnectedToConv}).
 *
 * @param inputWidth the model's input width: one window
 * @param inputHeight the model's input height
 * @param strideX model pixels between neighbouring windows in a row (the product of the strides
 *     before the head)
 * @param strideY the same between rows
 */
public record WindowGeometry(int inputWidth, int inputHeight, int strideX, int strideY) {

  /**
   * Largest converted input, in pixels per channel, that a frame may be scaled to (about 250 MB of
   * LeNet-5 activations); windows that small for frames that large are refused with a message.
   */
  static final long MAX_INPUT_PIXELS = 2048L * 2048L;

  /**
   * The geometry of {@code spec}'s convolutionalised form.
   *
   * @param model names the model in error messages
   * @throws IllegalArgumentException naming the model when it has no fully connected layer to
   *     convert, ends in a softmax layer (which would mix windows), or its output does not grow
   *     into a map with a larger input (a global pooling before the head, say)
   */
  public static WindowGeometry of(NetworkSpec spec, String model) {
    if (spec.nodes().stream().map(NodeSpec::layer).noneMatch(l -> l instanceof LinearSpec)) {
      throw new IllegalArgumentException(
          "model "
              + model
              + " has no fully connected layer: sliding-window scoring (--windows) converts a"
              + " fully connected head into convolutions");
    }
    if (spec.nodes().get(spec.nodes().size() - 1).layer() instanceof SoftmaxSpec) {
      throw new IllegalArgumentException(
          "model "
              + model
              + " ends in a softmax layer over its whole output, which would mix windows;"
              + " sliding-window scoring needs a model whose last layer gives the logits");
    }
    Shape one = FullyConnectedToConv.convertSpec(spec, spec.height(), spec.width()).outputShape();
    if (one.h() != 1 || one.w() != 1) {
      throw new IllegalArgumentException(
          "model " + model + ": its converted network gives " + one + " on one window, not 1×1");
    }
    int strideX = stride(spec, model, false);
    int strideY = stride(spec, model, true);
    return new WindowGeometry(spec.width(), spec.height(), strideX, strideY);
  }

  /**
   * The smallest growth of the input along one axis that adds one window to the converted output:
   * sizes in between do not tile the layers exactly and are rejected by them.
   */
  private static int stride(NetworkSpec spec, String model, boolean vertical) {
    int base = vertical ? spec.height() : spec.width();
    for (int d = 1; d <= 4 * base; d++) {
      Shape out;
      try {
        out =
            vertical
                ? FullyConnectedToConv.convertSpec(spec, base + d, spec.width()).outputShape()
                : FullyConnectedToConv.convertSpec(spec, spec.height(), base + d).outputShape();
      } catch (IllegalArgumentException notTiled) {
        continue;
      }
      int windows = vertical ? out.h() : out.w();
      if (windows == 2) {
        return d;
      }
      if (windows > 2) {
        break;
      }
    }
    throw new IllegalArgumentException(
        "model "
            + model
            + ": its converted network's output does not grow into a map of windows with a"
            + " larger input (a global pooling before the head?), so it cannot score windows");
  }

  /**
   * The windows of {@code window} source pixels over a {@code frameWidth × frameHeight} frame (or
   * its region of interest): as many as fit from the area's top left corner, with a margin narrower
   * than one stride left out at the right and bottom.
   *
   * @param roi the part of the frame to score, or null for the whole frame
   * @param source names the stream or file in error messages
   * @throws IllegalArgumentException naming {@code source} when the area is smaller than one window
   *     or would need a converted input larger than {@link #MAX_INPUT_PIXELS}
   */
  public WindowGrid grid(
      int frameWidth, int frameHeight, WindowSize window, RegionOfInterest roi, String source) {
    int x0 = roi == null ? 0 : roi.x();
    int y0 = roi == null ? 0 : roi.y();
    int areaWidth = roi == null ? frameWidth : roi.width();
    int areaHeight = roi == null ? frameHeight : roi.height();
    String area = (roi == null ? "frame " : "region of interest ") + areaWidth + "×" + areaHeight;
    if (areaWidth < window.width() || areaHeight < window.height()) {
      throw new IllegalArgumentException(
          source
              + ": the "
              + area
              + " is smaller than one window ("
              + window
              + " source pixels, set with --windows or vigil.analyze.windows)");
    }
    int cols = count(areaWidth, window.width(), inputWidth, strideX);
    int rows = count(areaHeight, window.height(), inputHeight, strideY);
    int width = inputWidth + (cols - 1) * strideX;
    int height = inputHeight + (rows - 1) * strideY;
    if ((long) width * height > MAX_INPUT_PIXELS) {
      throw new IllegalArgumentException(
          source
              + ": windows of "
              + window
              + " over the "
              + area
              + " need a "
              + width
              + "×"
              + height
              + " network input (more than "
              + MAX_INPUT_PIXELS
              + " pixels); choose larger windows or a region of interest");
    }
    // The source pixels that scale to exactly that input; rounding moves the scale by < 1 pixel.
    int cropWidth =
        (int) Math.min(areaWidth, Math.round((double) width * window.width() / inputWidth));
    int cropHeight =
        (int) Math.min(areaHeight, Math.round((double) height * window.height() / inputHeight));
    return new WindowGrid(
        new RegionOfInterest(x0, y0, cropWidth, cropHeight),
        width,
        height,
        rows,
        cols,
        (double) inputWidth * cropWidth / width,
        (double) inputHeight * cropHeight / height,
        (double) strideX * cropWidth / width,
        (double) strideY * cropHeight / height);
  }

  /**
   * Windows along one axis: with the scale {@code model / window}, an area of {@code area} source
   * pixels becomes {@code area·model/window} model pixels, which hold {@code n} windows when {@code
   * model + (n − 1)·stride} fits.
   */
  private static int count(int area, int window, int model, int stride) {
    return (int) (((long) (area - window) * model) / ((long) window * stride)) + 1;
  }
}

package io.vigil.pipeline.video;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.frame.WindowInput;
import io.vigil.pipeline.frame.WindowSampling;
import io.vigil.pipeline.result.RegionOfInterest;
import io.vigil.pipeline.result.WindowGrid;
import org.bytedeco.javacv.Frame;

/**
 * Turns one stream's frames into {@link WindowInput}s: cuts out the rectangle the windows cover
 * (inside the region of interest, if any), stretches it to the converted network's input and
 * normalises it as the model's contract says (a {@link FramePreprocessor} does the pixel work). The
 * grid is worked out from the first frame and again whenever the frame size changes.
 *
 * <p>Not thread-safe; one per stream. {@link #close()} frees the native memory.
 */
public final class WindowPreprocessor implements AutoCloseable {

  private final WindowSampling sampling;
  private final RegionOfInterest roi;
  private final String source;
  private int frameWidth = -1;
  private int frameHeight = -1;
  private WindowGrid grid;
  private FramePreprocessor pixels;

  /**
   * @param roi the region of interest of the stream's frames, or null for whole frames
   * @param source names the stream or file in error messages
   */
  public WindowPreprocessor(WindowSampling sampling, RegionOfInterest roi, String source) {
    this.sampling = sampling;
    this.roi = roi;
    this.source = source;
  }

  /**
   * The window input of {@code frame} (only read).
   *
   * @throws IllegalArgumentException naming the source when the frame (or its region of interest)
   *     is smaller than one window, or the region does not fit in the frame
   */
  public WindowInput toInput(Frame frame) {
    if (frame.imageWidth != frameWidth || frame.imageHeight != frameHeight) {
      if (roi != null) {
        roi.checkInside(frame.imageWidth, frame.imageHeight, source);
      }
      WindowGrid next =
          sampling
              .geometry()
              .grid(frame.imageWidth, frame.imageHeight, sampling.window(), roi, source);
      close();
      InputContract c = sampling.contract();
      pixels =
          new FramePreprocessor(
              c.withSize(next.inputHeight(), next.inputWidth()),
              Preprocessing.STRETCH.withRoi(next.scored()),
              source);
      grid = next;
      frameWidth = frame.imageWidth;
      frameHeight = frame.imageHeight;
    }
    float[] input = new float[pixels.contract().size()];
    pixels.toTensor(frame, input, 0);
    return new WindowInput(grid, input);
  }

  @Override
  public void close() {
    if (pixels != null) {
      pixels.close();
      pixels = null;
    }
    frameWidth = -1;
    frameHeight = -1;
  }
}

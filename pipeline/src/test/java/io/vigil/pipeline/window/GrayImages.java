package io.vigil.pipeline.window;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Gray test pictures as row-major bytes: written losslessly as PNG (which FFmpeg reads as a video
 * of one frame), cut into windows and classified by a model directly, without the pipeline.
 */
public final class GrayImages {

  private GrayImages() {}

  /** Writes {@code width × height} gray bytes, row-major, to a PNG file. */
  public static Path writePng(Path file, byte[] pixels, int width, int height) {
    try (Mat image = new Mat(height, width, CV_8UC1)) {
      image.data().put(pixels, 0, pixels.length);
      if (!opencv_imgcodecs.imwrite(file.toString(), image)) {
        throw new IllegalStateException("could not write " + file);
      }
    }
    return file;
  }

  /** The same picture scaled up {@code factor} times, each pixel a {@code factor²} block. */
  public static byte[] enlarge(byte[] pixels, int width, int height, int factor) {
    byte[] big = new byte[pixels.length * factor * factor];
    for (int y = 0; y < height * factor; y++) {
      for (int x = 0; x < width * factor; x++) {
        big[y * width * factor + x] = pixels[(y / factor) * width + x / factor];
      }
    }
    return big;
  }

  /**
   * The model's softmax probabilities for the {@code contract}-sized window at {@code (x, y)} of a
   * gray picture {@code width} pixels wide, normalised as the contract says.
   */
  public static float[] classifyWindow(Model model, byte[] pixels, int width, int x, int y) {
    InputContract contract = model.input();
    float[] input = new float[contract.size()];
    for (int row = 0; row < contract.height(); row++) {
      for (int col = 0; col < contract.width(); col++) {
        int p = pixels[(y + row) * width + x + col] & 0xFF;
        input[row * contract.width() + col] = contract.normalise(p / 255f);
      }
    }
    float[] probabilities = new float[model.classNames().size()];
    try (Predictor predictor = model.newPredictor(1)) {
      predictor.predict(input, 1, probabilities);
    }
    return probabilities;
  }

  /** The index of the largest value. */
  public static int best(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}

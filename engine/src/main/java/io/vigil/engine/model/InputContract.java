package io.vigil.engine.model;

/**
 * What a model expects as input: one image of {@code channels × height × width} floats in CHW
 * order, each pixel scaled to [0, 1] and then normalised as {@code (p − mean) / std}.
 *
 * <p>{@code channels} is 1 for grayscale and 3 for RGB (in that channel order). The pipeline
 * resizes and converts every video frame to this contract before it reaches the engine.
 */
public record InputContract(int channels, int height, int width, float mean, float std) {

  public InputContract {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(
          "input contract: channels must be 1 (gray) or 3 (RGB), got " + channels);
    }
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "input contract: height and width must be positive, got " + height + "×" + width);
    }
    if (!(std > 0) || !Float.isFinite(mean)) {
      throw new IllegalArgumentException(
          "input contract: std must be positive and mean finite, got mean=" + mean + " std=" + std);
    }
  }

  /** Number of floats in one input image: {@code channels × height × width}. */
  public int size() {
    return channels * height * width;
  }

  /** Normalises one pixel value already scaled to [0, 1]. */
  public float normalise(float unitPixel) {
    return (unitPixel - mean) / std;
  }
}

package io.vigil.pipeline.result;

/**
 * The part of each frame a stream analyses, in the source frame's pixels: the rectangle from column
 * {@code x}, row {@code y} (0-based, top left), {@code width} columns wide and {@code height} rows
 * high. It is cut out before the frame is resized to the model's input.
 */
public record RegionOfInterest(int x, int y, int width, int height) {

  public RegionOfInterest {
    if (x < 0 || y < 0) {
      throw new IllegalArgumentException(
          "region of interest " + describe(x, y, width, height) + ": x and y must be ≥ 0");
    }
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "region of interest " + describe(x, y, width, height) + ": width and height must be ≥ 1");
    }
  }

  /**
   * Parses {@code X,Y,WIDTH,HEIGHT} (four integers, as the command line takes it).
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  public static RegionOfInterest parse(String text) {
    String[] parts = text.split(",", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException(
          "region of interest '" + text + "': expected X,Y,WIDTH,HEIGHT (four integers)");
    }
    int[] v = new int[4];
    for (int i = 0; i < 4; i++) {
      try {
        v[i] = Integer.parseInt(parts[i].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "region of interest '" + text + "': '" + parts[i] + "' is not an integer", e);
      }
    }
    return new RegionOfInterest(v[0], v[1], v[2], v[3]);
  }

  /**
   * Checks that the region lies inside a {@code frameWidth × frameHeight} frame.
   *
   * @param source names the stream or file in the message
   * @throws RegionOutsideFrameException naming {@code source}, the region, the frame size and the
   *     edge that is crossed
   */
  public void checkInside(int frameWidth, int frameHeight, String source) {
    long right = (long) x + width;
    long bottom = (long) y + height;
    if (right <= frameWidth && bottom <= frameHeight) {
      return;
    }
    String crossed =
        right > frameWidth
            ? "x + width = " + right + " > frame width " + frameWidth
            : "y + height = " + bottom + " > frame height " + frameHeight;
    throw new RegionOutsideFrameException(
        source
            + ": region of interest "
            + this.describe()
            + " does not fit in the "
            + frameWidth
            + "×"
            + frameHeight
            + " frame ("
            + crossed
            + ")");
  }

  /** {@code x=.. y=.. width=.. height=..}, for messages. */
  public String describe() {
    return describe(x, y, width, height);
  }

  private static String describe(int x, int y, int width, int height) {
    return "x=" + x + " y=" + y + " width=" + width + " height=" + height;
  }

  /**
   * A region of interest that does not fit the frames a stream delivers: a mistake in the settings,
   * not a passing fault, so a live source is not reopened for it.
   */
  public static final class RegionOutsideFrameException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    RegionOutsideFrameException(String message) {
      super(message);
    }
  }
}

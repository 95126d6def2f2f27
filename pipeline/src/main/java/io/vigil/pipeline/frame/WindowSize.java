package io.vigil.pipeline.frame;

import java.util.Locale;

/**
 * The size of one scoring window in source pixels (of the frame, or of its region of interest):
 * sliding-window scoring resizes each frame so that a window of this size becomes the model's
 * input.
 */
public record WindowSize(int width, int height) {

  public WindowSize {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "window size must be positive, got " + width + "x" + height);
    }
  }

  /**
   * Parses {@code WIDTHxHEIGHT} (e.g. {@code 96x96}); {@code off} (which HOCON reads as the boolean
   * {@code false}) or an empty text means no sliding-window scoring and gives null.
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  public static WindowSize parseOrOff(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.isEmpty() || t.equals("off") || t.equals("false")) {
      return null;
    }
    String[] parts = t.split("x", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "window size '" + text + "': expected WIDTHxHEIGHT in source pixels (e.g. 96x96) or off");
    }
    try {
      return new WindowSize(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "window size '" + text + "': width and height must be integers (e.g. 96x96)", e);
    }
  }

  @Override
  public String toString() {
    return width + "x" + height;
  }
}

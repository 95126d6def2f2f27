package io.vigil.pipeline.video;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValueType;
import io.vigil.pipeline.config.ConfigKeys;
import io.vigil.pipeline.result.RegionOfInterest;
import java.util.List;
import java.util.Objects;

/**
 * How one stream's frames are fitted to the model's input, beyond what the model's {@code
 * InputContract} fixes (size, channels, normalisation).
 *
 * @param resize stretch to the input size, or letterbox (keep the aspect ratio, pad, centre)
 * @param fill the 8-bit value (0–255) of every channel in a letterbox's padding, before
 *     normalisation, so padding looks like a pixel of that brightness to the model
 * @param roi the region of each frame to analyse, cut out before resizing; null for the whole frame
 */
public record Preprocessing(ResizeMode resize, int fill, RegionOfInterest roi) {

  /** The whole frame stretched to the input size: what the pipeline did before these settings. */
  public static final Preprocessing STRETCH = new Preprocessing(ResizeMode.STRETCH, 0, null);

  public Preprocessing {
    Objects.requireNonNull(resize, "resize");
    if (fill < 0 || fill > 255) {
      throw new IllegalArgumentException("fill must be an 8-bit value, 0 to 255, got " + fill);
    }
  }

  /** The same, with another resize mode. */
  public Preprocessing withResize(ResizeMode mode) {
    return new Preprocessing(mode, fill, roi);
  }

  /** The same, with another fill value. */
  public Preprocessing withFill(int value) {
    return new Preprocessing(resize, value, roi);
  }

  /** The same, with another region of interest (null for the whole frame). */
  public Preprocessing withRoi(RegionOfInterest region) {
    return new Preprocessing(resize, fill, region);
  }

  /**
   * Reads the optional keys {@code resize} ({@code stretch} or {@code letterbox}), {@code fill}
   * (0–255) and {@code roi} ({@code { x = X, y = Y, width = W, height = H }}, or the string {@code
   * "X,Y,W,H"}) of {@code c}; a key that is absent keeps its value from {@code defaults}.
   *
   * @param owner names where the keys are (a stream, a configuration path) in error messages
   * @throws IllegalArgumentException naming {@code owner}, the key and what is wrong with it
   */
  public static Preprocessing from(Config c, Preprocessing defaults, String owner) {
    if (c.hasPath("roi") && c.getValue("roi") instanceof ConfigObject region) {
      ConfigKeys.checkKnown(region.toConfig(), ROI_KEYS, owner + ", roi");
    }
    Preprocessing p = defaults;
    try {
      if (c.hasPath("resize")) {
        p = p.withResize(ResizeMode.parse(c.getString("resize")));
      }
      if (c.hasPath("fill")) {
        p = p.withFill(c.getInt("fill"));
      }
      if (c.hasPath("roi")) {
        p = p.withRoi(roi(c));
      }
      return p;
    } catch (ConfigException e) {
      throw new IllegalArgumentException(owner + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(owner + ": " + e.getMessage(), e);
    }
  }

  private static final List<String> ROI_KEYS = List.of("x", "y", "width", "height");

  private static RegionOfInterest roi(Config c) {
    if (c.getValue("roi").valueType() == ConfigValueType.STRING) {
      return RegionOfInterest.parse(c.getString("roi"));
    }
    Config r = c.getConfig("roi");
    for (String key : ROI_KEYS) {
      if (!r.hasPath(key)) {
        throw new IllegalArgumentException(
            "roi needs x, y, width and height (source pixels); " + key + " is missing");
      }
    }
    return new RegionOfInterest(
        r.getInt("x"), r.getInt("y"), r.getInt("width"), r.getInt("height"));
  }

  /** One line for people: {@code letterbox (fill 0), roi x=.. y=.. width=.. height=..}. */
  public String describe() {
    String s = resize.configName() + (resize == ResizeMode.LETTERBOX ? " (fill " + fill + ")" : "");
    return roi == null ? s : s + ", roi " + roi.describe();
  }
}

package io.vigil.pipeline.video;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a frame (or its region of interest) is brought to the model's input size. */
public enum ResizeMode {
  /** Scaled to the input's width and height independently: fills the input, distorts shapes. */
  STRETCH,
  /**
   * Scaled by one factor so that it fits inside the input, keeping its aspect ratio, and centred;
   * the rest of the input (bars at the sides or at the top and bottom) holds the fill value.
   */
  LETTERBOX;

  /** The mode named {@code name} ({@code stretch} or {@code letterbox}, any case). */
  public static ResizeMode parse(String name) {
    for (ResizeMode m : values()) {
      if (m.configName().equalsIgnoreCase(name.strip())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown resize mode '"
            + name
            + "'; known: "
            + Arrays.stream(values())
                .map(ResizeMode::configName)
                .collect(Collectors.joining(", ")));
  }

  /** The name configuration files use. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

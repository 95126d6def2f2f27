package io.vigil.pipeline.frame;

import io.vigil.engine.model.InputContract;
import java.util.Objects;

/**
 * What a decoder needs to prepare each frame for sliding-window scoring, besides its whole-frame
 * input: the window size the user asked for, the model's window geometry and its input contract
 * (channels and normalisation; the size comes from the grid).
 */
public record WindowSampling(WindowSize window, WindowGeometry geometry, InputContract contract) {

  public WindowSampling {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(geometry, "geometry");
    Objects.requireNonNull(contract, "contract");
  }
}

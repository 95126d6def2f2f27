package io.vigil.pipeline.frame;

import io.vigil.pipeline.result.WindowGrid;

/**
 * One frame prepared for sliding-window scoring: {@code grid.inputWidth() × grid.inputHeight()}
 * normalised floats per channel, CHW, made from the source rectangle {@code grid.scored()}.
 */
public record WindowInput(WindowGrid grid, float[] pixels) {}

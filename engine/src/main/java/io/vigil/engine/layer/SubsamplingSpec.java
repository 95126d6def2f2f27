package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;

/**
 * LeNet-5's trainable subsampling (S2, S4): each channel's non-overlapping {@code window × window}
 * blocks are summed, multiplied by one trainable coefficient per channel and shifted by one
 * trainable bias, {@code y_c = a_c·Σ_block x_c + b_c}. Output {@code C × H/window × W/window}
 * (which must divide); 2 trainable parameters per channel (LeNet's S2: 6·2 = 12).
 */
public record SubsamplingSpec(int window) implements LayerSpec {

  public SubsamplingSpec {
    if (window < 1) {
      throw new IllegalArgumentException("subsampling: window must be ≥ 1, got " + window);
    }
  }

  /** The depthwise convolution with tied taps that computes it. */
  Conv2dSpec depthwise(int channels) {
    return new Conv2dSpec(channels, window, window, window, window, 0, 0).withGroups(channels);
  }

  @Override
  public Shape outputShape(String layerName, Shape input) {
    return depthwise(input.c()).outputShape(layerName, input);
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new Subsampling(layerName, this, input, backend);
  }
}

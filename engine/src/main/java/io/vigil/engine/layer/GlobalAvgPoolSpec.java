package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.PoolKind;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Shape;

/**
 * Global average pooling (GoogLeNet, ResNet heads): {@code C × H × W → C × 1 × 1}, each channel's
 * mean {@code y_c = Σ x_c / (H·W)}; average pooling with one {@code H × W} window.
 */
public record GlobalAvgPoolSpec() implements LayerSpec {

  @Override
  public Shape outputShape(String layerName, Shape input) {
    return new Shape(input.n(), input.c(), 1, 1);
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    Window2d w =
        new Window2d(input.c(), input.h(), input.w(), input.h(), input.w(), 1, 1, 0, 0, 1, 1);
    return new Pool2d(layerName, this, input, backend, PoolKind.AVERAGE, w);
  }
}

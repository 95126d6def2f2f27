package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;

/**
 * Batch normalisation per channel (Ioffe and Szegedy 2015): {@code y = γ·(x − μ)/sqrt(σ² + eps) +
 * β}. In training {@code μ, σ²} are the batch's (over {@code N·H·W} values, biased variance) and
 * the running statistics move towards them, {@code running ← (1 − momentum)·running +
 * momentum·batch} with the unbiased variance {@code σ²·m/(m − 1)}, as PyTorch does; at inference
 * the running ones are used. Output shape = input shape. PyTorch's defaults are {@code eps = 1e−5},
 * {@code momentum = 0.1}.
 */
public record BatchNormSpec(float eps, float momentum) implements LayerSpec {

  public BatchNormSpec {
    if (!(eps > 0f) || !(momentum >= 0f && momentum <= 1f)) {
      throw new IllegalArgumentException(
          "batch norm: need eps > 0 and momentum in [0, 1], got eps="
              + eps
              + " momentum="
              + momentum);
    }
  }

  /** eps = 1e−5, momentum = 0.1. */
  public static BatchNormSpec defaults() {
    return new BatchNormSpec(1e-5f, 0.1f);
  }

  @Override
  public Shape outputShape(String layerName, Shape input) {
    return input;
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new BatchNorm(layerName, this, input, backend);
  }
}

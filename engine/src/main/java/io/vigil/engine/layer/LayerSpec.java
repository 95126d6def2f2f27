package io.vigil.engine.layer;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;

/**
 * The hyperparameters of one layer kind, as written in model files ({@code "type": "conv2d"} plus
 * the record's fields). A spec knows the output shape it gives and builds its runtime {@link
 * Layer}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Conv2dSpec.class, name = "conv2d"),
  @JsonSubTypes.Type(value = MaxPool2dSpec.class, name = "maxpool2d"),
  @JsonSubTypes.Type(value = ReluSpec.class, name = "relu"),
  @JsonSubTypes.Type(value = FlattenSpec.class, name = "flatten"),
  @JsonSubTypes.Type(value = LinearSpec.class, name = "linear")
})
public sealed interface LayerSpec
    permits Conv2dSpec, MaxPool2dSpec, ReluSpec, FlattenSpec, LinearSpec {

  /**
   * The per-image output shape for a per-image {@code input}; throws {@link
   * IllegalArgumentException} naming {@code layerName} and the numbers when impossible.
   */
  Shape outputShape(String layerName, Shape input);

  /** The runtime layer for this spec at {@code input} (per image), parameters allocated, zero. */
  Layer create(String layerName, Shape input, Backend backend);
}

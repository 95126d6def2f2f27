package io.vigil.engine.layer;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import java.util.List;

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
  @JsonSubTypes.Type(value = LinearSpec.class, name = "linear"),
  @JsonSubTypes.Type(value = LeakyReluSpec.class, name = "leaky_relu"),
  @JsonSubTypes.Type(value = SigmoidSpec.class, name = "sigmoid"),
  @JsonSubTypes.Type(value = TanhSpec.class, name = "tanh"),
  @JsonSubTypes.Type(value = SoftmaxSpec.class, name = "softmax"),
  @JsonSubTypes.Type(value = AvgPool2dSpec.class, name = "avgpool2d"),
  @JsonSubTypes.Type(value = L2Pool2dSpec.class, name = "l2pool2d"),
  @JsonSubTypes.Type(value = GlobalAvgPoolSpec.class, name = "global_avgpool"),
  @JsonSubTypes.Type(value = ConcatSpec.class, name = "concat"),
  @JsonSubTypes.Type(value = AddSpec.class, name = "add"),
  @JsonSubTypes.Type(value = LrnSpec.class, name = "lrn"),
  @JsonSubTypes.Type(value = BatchNormSpec.class, name = "batchnorm"),
  @JsonSubTypes.Type(value = DropoutSpec.class, name = "dropout"),
  @JsonSubTypes.Type(value = ConvTranspose2dSpec.class, name = "conv_transpose2d"),
  @JsonSubTypes.Type(value = LocallyConnected2dSpec.class, name = "locally_connected2d"),
  @JsonSubTypes.Type(value = ConnectionTableConv2dSpec.class, name = "connection_table_conv2d"),
  @JsonSubTypes.Type(value = SubsamplingSpec.class, name = "subsampling")
})
public sealed interface LayerSpec
    permits Conv2dSpec,
        MaxPool2dSpec,
        ReluSpec,
        FlattenSpec,
        LinearSpec,
        LeakyReluSpec,
        SigmoidSpec,
        TanhSpec,
        SoftmaxSpec,
        AvgPool2dSpec,
        L2Pool2dSpec,
        GlobalAvgPoolSpec,
        ConcatSpec,
        AddSpec,
        LrnSpec,
        BatchNormSpec,
        DropoutSpec,
        ConvTranspose2dSpec,
        LocallyConnected2dSpec,
        ConnectionTableConv2dSpec,
        SubsamplingSpec {

  /**
   * The per-image output shape for a per-image {@code input}; throws {@link
   * IllegalArgumentException} naming {@code layerName} and the numbers when impossible.
   */
  Shape outputShape(String layerName, Shape input);

  /** The runtime layer for this spec at {@code input} (per image), parameters allocated, zero. */
  Layer create(String layerName, Shape input, Backend backend);

  /** The output shape for several inputs; single-input specs take exactly one. */
  default Shape outputShape(String layerName, List<Shape> inputs) {
    return outputShape(layerName, single(layerName, inputs));
  }

  /** The runtime layer for several inputs; single-input specs take exactly one. */
  default Layer create(String layerName, List<Shape> inputs, Backend backend) {
    return create(layerName, single(layerName, inputs), backend);
  }

  private static Shape single(String layerName, List<Shape> inputs) {
    if (inputs.size() != 1) {
      throw new IllegalArgumentException(
          layerName + ": this layer reads exactly one input, got " + inputs.size());
    }
    return inputs.get(0);
  }
}

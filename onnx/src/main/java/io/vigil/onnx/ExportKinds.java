package io.vigil.onnx;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.vigil.engine.layer.LayerSpec;

/**
 * vigil's name for a layer kind as model files write it ({@code conv2d}, {@code lrn}), read from
 * the {@link JsonSubTypes} of {@link LayerSpec} so that messages use the names users see in their
 * model files and summaries, and a new kind needs no second list here.
 */
final class ExportKinds {

  private ExportKinds() {}

  static String of(LayerSpec spec) {
    JsonSubTypes types = LayerSpec.class.getAnnotation(JsonSubTypes.class);
    for (JsonSubTypes.Type type : types.value()) {
      if (type.value() == spec.getClass()) {
        return type.name();
      }
    }
    return spec.getClass().getSimpleName();
  }
}

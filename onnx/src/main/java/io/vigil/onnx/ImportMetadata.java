package io.vigil.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.StringStringEntryProto;

/**
 * What the file's {@code metadata_props} say about the model: {@code vigil.mean}, {@code vigil.std}
 * (comma-separated floats, one per channel), {@code vigil.classes} (a JSON array) and {@code
 * vigil.name}, as vigil's export writes them; when the vigil keys are absent, the common {@code
 * mean}, {@code std}, {@code class_names} and {@code labels} (a JSON array or comma-separated).
 */
final class ImportMetadata {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String file;
  private final Map<String, String> props = new HashMap<>();

  ImportMetadata(String file, ModelProto model) {
    this.file = file;
    for (StringStringEntryProto e : model.getMetadataPropsList()) {
      props.put(e.getKey(), e.getValue());
    }
  }

  /** The model name, or null. */
  String name() {
    return props.get("vigil.name");
  }

  /** Per-channel means, or null. */
  float[] mean() throws OnnxFormatException {
    return floats("vigil.mean", "mean");
  }

  /** Per-channel standard deviations, or null. */
  float[] std() throws OnnxFormatException {
    return floats("vigil.std", "std");
  }

  /** Class names, or null. */
  List<String> classes() throws OnnxFormatException {
    String key = first("vigil.classes", "class_names", "labels");
    if (key == null) {
      return null;
    }
    String text = props.get(key).trim();
    if (text.startsWith("[")) {
      try {
        JsonNode array = JSON.readTree(text);
        List<String> names = new ArrayList<>();
        for (JsonNode n : array) {
          if (!n.isValueNode()) {
            throw new OnnxFormatException(
                file + ": metadata " + key + " must be an array of strings, got " + text);
          }
          names.add(n.asText());
        }
        return names;
      } catch (JsonProcessingException e) {
        throw new OnnxFormatException(
            file + ": metadata " + key + " is not a JSON array: " + e.getOriginalMessage(), e);
      }
    }
    List<String> names = new ArrayList<>();
    for (String s : text.split(",")) {
      names.add(s.trim());
    }
    return names;
  }

  private float[] floats(String vigilKey, String commonKey) throws OnnxFormatException {
    String key = first(vigilKey, commonKey);
    if (key == null) {
      return null;
    }
    String text = props.get(key).trim();
    if (text.startsWith("[") && text.endsWith("]")) {
      text = text.substring(1, text.length() - 1);
    }
    String[] parts = text.split(",");
    float[] values = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        values[i] = Float.parseFloat(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new OnnxFormatException(
            file + ": metadata " + key + "='" + props.get(key) + "' is not a list of numbers");
      }
    }
    return values;
  }

  private String first(String... keys) {
    for (String k : keys) {
      if (props.containsKey(k)) {
        return k;
      }
    }
    return null;
  }
}

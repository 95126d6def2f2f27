package io.vigil.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import java.util.ArrayList;
import java.util.List;
import onnx.Onnx.StringStringEntryProto;

/**
 * What a reader needs besides the graph to use the model as vigil does, as {@code metadata_props}:
 * {@code vigil.name}, {@code vigil.mean} and {@code vigil.std} (one value per channel, comma
 * separated, applied to pixels scaled to [0, 1]) and {@code vigil.classes} (a JSON array, so that
 * class names may hold commas).
 */
final class ExportMetadata {

  static final String NAME = "vigil.name";
  static final String MEAN = "vigil.mean";
  static final String STD = "vigil.std";
  static final String CLASSES = "vigil.classes";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ExportMetadata() {}

  static List<StringStringEntryProto> of(Model model) {
    InputContract input = model.input();
    // One value per channel even for a uniform contract, so readers need not know the rule that
    // a single value stands for every channel.
    float[] mean = input.means();
    float[] std = input.stds();
    List<StringStringEntryProto> props = new ArrayList<>();
    props.add(entry(NAME, model.name()));
    props.add(entry(MEAN, join(mean)));
    props.add(entry(STD, join(std)));
    props.add(entry(CLASSES, json(model.classNames())));
    return props;
  }

  /** Float.toString: the shortest decimal that reads back as the same float. */
  private static String join(float[] values) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      s.append(i == 0 ? "" : ",").append(values[i]);
    }
    return s.toString();
  }

  private static String json(List<String> classes) {
    try {
      return JSON.writeValueAsString(classes);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("class names cannot be written as JSON: " + classes, e);
    }
  }

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }
}

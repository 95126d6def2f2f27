package io.vigil.onnx;

import io.vigil.engine.model.InputContract;
import io.vigil.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parts of a model an ONNX graph does not carry: the input normalisation, the class names and
 * the model name. Each comes from the import options, else the file's metadata, else the default
 * (pixels in [0, 1] with mean 0 and std 1, torchvision's {@code ToTensor}; classes numbered from 0;
 * the file name).
 */
final class Contracts {

  private Contracts() {}

  static InputContract input(
      String source, Shape image, ImportOptions options, ImportMetadata metadata)
      throws OnnxFormatException {
    int channels = image.c();
    float[] mean = perChannel(source, "mean", pick(options.mean(), metadata.mean()), channels, 0f);
    float[] std = perChannel(source, "std", pick(options.std(), metadata.std()), channels, 1f);
    for (int c = 0; c < channels; c++) {
      if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
        throw new OnnxFormatException(
            source
                + ": mean "
                + Arrays.toString(mean)
                + " must be finite and std "
                + Arrays.toString(std)
                + " positive");
      }
    }
    try {
      // Uniform values give a uniform contract, which model files store as before.
      return InputContract.perChannel(channels, image.h(), image.w(), mean, std);
    } catch (IllegalArgumentException e) {
      throw new OnnxFormatException(source + ": " + e.getMessage(), e);
    }
  }

  static List<String> classes(
      String source, int outputs, ImportOptions options, ImportMetadata metadata)
      throws OnnxFormatException {
    List<String> given = options.classes();
    String from = "the options";
    if (given == null || given.isEmpty()) {
      given = metadata.classes();
      from = "the file's metadata";
    }
    if (given == null || given.isEmpty()) {
      List<String> numbered = new ArrayList<>(outputs);
      for (int i = 0; i < outputs; i++) {
        numbered.add(Integer.toString(i));
      }
      return numbered;
    }
    if (given.size() != outputs) {
      throw new OnnxFormatException(
          source
              + ": "
              + from
              + " name "
              + given.size()
              + " classes but the model has "
              + outputs
              + " outputs");
    }
    return given;
  }

  /** Options, metadata, else the file name; sanitised to the letters model names allow. */
  static String name(String source, ImportOptions options, ImportMetadata metadata) {
    String name = options.name();
    if (name == null || name.isBlank()) {
      name = metadata.name();
    }
    if (name == null || name.isBlank()) {
      name = OnnxImport.fileName(source);
      int dot = name.lastIndexOf('.');
      if (dot > 0) {
        name = name.substring(0, dot);
      }
    }
    name = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return name.isEmpty() || name.chars().allMatch(ch -> ch == '_') ? "onnx-model" : name;
  }

  private static float[] pick(float[] option, float[] metadata) {
    return option != null && option.length > 0 ? option : metadata;
  }

  private static float[] perChannel(
      String source, String what, float[] values, int channels, float fallback)
      throws OnnxFormatException {
    if (values == null) {
      float[] all = new float[channels];
      Arrays.fill(all, fallback);
      return all;
    }
    if (values.length == 1) {
      float[] all = new float[channels];
      Arrays.fill(all, values[0]);
      return all;
    }
    if (values.length != channels) {
      throw new OnnxFormatException(
          source
              + ": "
              + what
              + " "
              + Arrays.toString(values)
              + " has "
              + values.length
              + " values for "
              + channels
              + " channels");
    }
    return values.clone();
  }
}

package io.vigil.onnx;

import java.util.List;

/**
 * What an import takes from the command line rather than from the file. Every field may be null (or
 * empty): the value then comes from the file's metadata where present, else from the default
 * (torchvision's {@code ToTensor} convention: pixels scaled to [0, 1], mean 0, std 1; classes
 * numbered from 0).
 *
 * @param name the model's name; default: the file name without its extension, sanitised
 * @param mean per-channel mean subtracted from pixels in [0, 1] (length 1 = the same for all)
 * @param std per-channel divisor (length 1 = the same for all)
 * @param classes the class names, one per output
 * @param height input height, needed only when the file leaves it symbolic
 * @param width input width, needed only when the file leaves it symbolic
 */
public record ImportOptions(
    String name, float[] mean, float[] std, List<String> classes, Integer height, Integer width) {

  public ImportOptions {
    classes = classes == null ? null : List.copyOf(classes);
    mean = mean == null ? null : mean.clone();
    std = std == null ? null : std.clone();
  }

  /** Everything from the file, or the defaults. */
  public static ImportOptions defaults() {
    return new ImportOptions(null, null, null, null, null, null);
  }
}

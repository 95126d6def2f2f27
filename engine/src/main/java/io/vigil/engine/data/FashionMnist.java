package io.vigil.engine.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The Fashion-MNIST data set: 60,000 training and 10,000 test images of 28×28 grayscale clothing,
 * ten classes. Debian's {@code dataset-fashion-mnist} package installs it in {@link #DEFAULT_DIR};
 * plain or gzip-compressed IDX files are accepted.
 */
public final class FashionMnist {

  /** Where Debian's {@code dataset-fashion-mnist} package puts the IDX files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** Class names in label order. */
  public static final List<String> CLASS_NAMES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  private FashionMnist() {}

  /** The 60,000 training images. */
  public static LabeledImages train(Path dir) throws IOException {
    return IdxReader.read(
        find(dir, "train-images-idx3-ubyte"), find(dir, "train-labels-idx1-ubyte"));
  }

  /** The 10,000 test images. */
  public static LabeledImages test(Path dir) throws IOException {
    return IdxReader.read(find(dir, "t10k-images-idx3-ubyte"), find(dir, "t10k-labels-idx1-ubyte"));
  }

  /** Fails, naming the first missing file and the package, unless all four IDX files are here. */
  static void checkFiles(Path dir) throws IOException {
    for (String baseName :
        List.of(
            "train-images-idx3-ubyte",
            "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte")) {
      find(dir, baseName);
    }
  }

  private static Path find(Path dir, String baseName) throws IOException {
    for (String candidate : List.of(baseName, baseName + ".gz")) {
      Path file = dir.resolve(candidate);
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    throw new NoSuchFileException(
        dir.resolve(baseName).toString(),
        null,
        "Fashion-MNIST file missing (neither "
            + baseName
            + " nor "
            + baseName
            + ".gz in "
            + dir
            + "; install the Debian package dataset-fashion-mnist or pass --data)");
  }
}

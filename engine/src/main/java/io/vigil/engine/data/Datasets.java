package io.vigil.engine.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Opens a data directory in one of the layouts vigil trains from:
 *
 * <ul>
 *   <li><b>IDX</b> (MNIST, Fashion-MNIST): {@code train-images-idx3-ubyte}, {@code
 *       train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte},
 *       plain or {@code .gz}. Class names come from a {@code classes.txt} beside them (one per
 *       line, in label order) if there is one; otherwise Fashion-MNIST's names when the directory
 *       name says {@code fashion}, else the label numbers. Images smaller than the model's input
 *       are centred on a black canvas (28×28 → 32×32 for the classic LeNet-5).
 *   <li><b>Image folders</b>: {@code train/<class>/*.png|jpg|…} and {@code test/<class>/*}; see
 *       {@link ImageFolderReader}.
 * </ul>
 */
public final class Datasets {

  private Datasets() {}

  /**
   * Fails, naming what is missing, unless {@code dir} holds one of the layouts: a cheap check to
   * make before any work starts. A missing directory or IDX file names the Debian package that
   * installs the default data.
   */
  public static void check(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(
          dir.toString(),
          null,
          "data directory not found (the default, Fashion-MNIST, comes with the Debian package"
              + " dataset-fashion-mnist)");
    }
    if (!isImageFolders(dir)) {
      FashionMnist.checkFiles(dir);
    }
  }

  private static boolean isImageFolders(Path dir) {
    return Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"));
  }

  /** Reads the data in {@code dir}, as images of {@code channels × height × width}. */
  public static Dataset open(Path dir, int channels, int height, int width) throws IOException {
    check(dir);
    if (isImageFolders(dir)) {
      ImageFolderReader reader = new ImageFolderReader(channels, height, width);
      ImageFolderReader.Folder train = reader.read(dir.resolve("train"), null);
      ImageFolderReader.Folder test = reader.read(dir.resolve("test"), train.classNames());
      return new Dataset(
          train.images(),
          test.images(),
          train.classNames(),
          "image folders in "
              + dir
              + ": "
              + train.images().count()
              + " train, "
              + test.images().count()
              + " test images");
    }
    LabeledImages train = FashionMnist.train(dir);
    LabeledImages test = FashionMnist.test(dir);
    if (train.height() > height || train.width() > width) {
      throw new IOException(
          dir
              + ": IDX images are "
              + train.height()
              + "×"
              + train.width()
              + " but the model takes "
              + height
              + "×"
              + width);
    }
    if (train.height() < height || train.width() < width) {
      // Smaller images are centred on a black canvas, as LeNet-5 did with 28×28 digits.
      train = train.padTo(height, width);
      test = test.padTo(height, width);
    }
    int classes =
        IntStream.concat(IntStream.of(train.labels()), IntStream.of(test.labels())).max().orElse(0)
            + 1;
    return new Dataset(
        train,
        test,
        idxClassNames(dir, classes),
        "IDX files in " + dir + ": " + train.count() + " train, " + test.count() + " test images");
  }

  /**
   * Reads only the test images of {@code dir} (either layout), for evaluating a model. Image
   * folders are converted to {@code channels × height × width} as {@link #open} converts them, with
   * the training folder's class folders as the class list; IDX images keep the size and the one
   * channel the files hold, so the caller decides whether they fit a model.
   */
  public static TestSet openTest(Path dir, int channels, int height, int width) throws IOException {
    if (!Files.isDirectory(dir)) {
      check(dir);
    }
    if (isImageFolders(dir)) {
      ImageFolderReader reader = new ImageFolderReader(channels, height, width);
      ImageFolderReader.Folder test =
          reader.read(dir.resolve("test"), ImageFolderReader.classFolders(dir.resolve("train")));
      return new TestSet(
          test.images(),
          test.classNames(),
          "image folders in " + dir + ": " + test.images().count() + " test images");
    }
    LabeledImages test = FashionMnist.test(dir);
    int classes = IntStream.of(test.labels()).max().orElse(0) + 1;
    return new TestSet(
        test,
        idxClassNames(dir, classes),
        "IDX files in " + dir + ": " + test.count() + " test images");
  }

  private static List<String> idxClassNames(Path dir, int classes) throws IOException {
    Path listed = dir.resolve("classes.txt");
    if (Files.isRegularFile(listed)) {
      List<String> names =
          Files.readAllLines(listed).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
      if (names.size() < classes) {
        throw new IOException(
            listed + " names " + names.size() + " classes but the labels use " + classes);
      }
      return names;
    }
    String name = dir.toAbsolutePath().normalize().toString().toLowerCase(Locale.ROOT);
    if (name.contains("fashion") && classes <= FashionMnist.CLASS_NAMES.size()) {
      return FashionMnist.CLASS_NAMES;
    }
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < classes; i++) {
      numbers.add(Integer.toString(i));
    }
    return numbers;
  }
}

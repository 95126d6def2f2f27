package io.vigil.pipeline.control;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.video.ClipRejectedException;
import io.vigil.pipeline.video.LabeledClips;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Labeled images named in the configuration, as the fine-tune's replay data or the gate's original
 * test data. A source is {@code fashion-mnist:train} or {@code fashion-mnist:test} (the Debian
 * package {@code dataset-fashion-mnist}), or a labeled clip ({@code VIDEO} with its {@code
 * VIDEO.labels.csv}), read at the model's input size as inference would see it.
 */
public final class LabeledData {

  private LabeledData() {}

  /**
   * Fails in one line naming the Debian package when a source reads Fashion-MNIST ({@code
   * fashion-mnist:SPLIT}) and it is not installed: a cheap check to make before any work starts.
   */
  public static void checkInstalled(List<String> sources) throws IOException {
    checkInstalled(sources, FashionMnist.DEFAULT_DIR);
  }

  static void checkInstalled(List<String> sources, Path fashionDir) throws IOException {
    for (String source : sources) {
      if (source.trim().startsWith("fashion-mnist:") && !Files.isDirectory(fashionDir)) {
        throw new IOException(
            source.trim()
                + ": "
                + fashionDir
                + " is missing; install the Debian package dataset-fashion-mnist or name labeled"
                + " clips instead");
      }
    }
  }

  /**
   * The images of every source, one after the other.
   *
   * @throws IOException naming the source when one cannot be read or does not fit the model
   */
  public static LabeledImages load(
      List<String> sources,
      InputContract contract,
      List<String> classNames,
      Function<String, Path> resolve)
      throws IOException {
    List<LabeledImages> parts = new ArrayList<>();
    for (String source : sources) {
      parts.add(loadOne(source.trim(), contract, classNames, resolve));
    }
    return concat(parts);
  }

  private static LabeledImages loadOne(
      String source,
      InputContract contract,
      List<String> classNames,
      Function<String, Path> resolve)
      throws IOException {
    if (source.startsWith("fashion-mnist:")) {
      String split = source.substring("fashion-mnist:".length());
      Path dir = FashionMnist.DEFAULT_DIR;
      checkInstalled(List.of(source), dir);
      LabeledImages images =
          switch (split) {
            case "train" -> FashionMnist.train(dir);
            case "test" -> FashionMnist.test(dir);
            default ->
                throw new IOException(
                    source + ": unknown split '" + split + "' (known: train, test)");
          };
      if (images.channels() != contract.channels()
          || images.height() != contract.height()
          || images.width() != contract.width()) {
        throw new IOException(
            source
                + ": its images are "
                + images.channels()
                + "×"
                + images.height()
                + "×"
                + images.width()
                + " but the model takes "
                + contract.channels()
                + "×"
                + contract.height()
                + "×"
                + contract.width()
                + "; name labeled clips instead");
      }
      return images;
    }
    Path clip = resolve.apply(source);
    try {
      return LabeledClips.read(clip, contract, classNames);
    } catch (ClipRejectedException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The images of {@code parts} one after the other (all of one size). */
  public static LabeledImages concat(List<LabeledImages> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    LabeledImages first = parts.get(0);
    int count = 0;
    for (LabeledImages p : parts) {
      count += p.count();
    }
    byte[] pixels = new byte[count * first.imageSize()];
    int[] labels = new int[count];
    int at = 0;
    for (LabeledImages p : parts) {
      System.arraycopy(p.pixels(), 0, pixels, at * first.imageSize(), p.pixels().length);
      System.arraycopy(p.labels(), 0, labels, at, p.count());
      at += p.count();
    }
    return new LabeledImages(
        count, first.channels(), first.height(), first.width(), pixels, labels);
  }
}

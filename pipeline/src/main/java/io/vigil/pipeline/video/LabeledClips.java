package io.vigil.pipeline.video;

import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.result.DecodeReport;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Labeled clips read back as training data: a video and its {@link LabelSidecar} ({@code
 * VIDEO.labels.csv}) turned into {@link LabeledImages} at a model's input size.
 *
 * <p>Every frame goes through what inference does to it: {@link VideoDecoder}, then {@link
 * FrameScaler} with the model's {@link InputContract} (resize, gray or RGB conversion,
 * normalisation {@code v = (p / 255 − mean[c]) / std[c]} per channel {@code c}). The floats are
 * turned back into bytes, {@code p' = round((v·std[c] + mean[c])·255)} clipped to [0, 255], which
 * gives back exactly the 8-bit image the scaler made, so the images hold what the engine sees of
 * each frame, and a trainer that normalises them with the same contract feeds the network the same
 * numbers inference does.
 *
 * <p>A clip is rejected ({@link ClipRejectedException}, with the reason) rather than read in part
 * when anything about it does not hold: the video is missing, unreadable, damaged, or empty; the
 * sidecar is missing, unreadable or malformed; the sidecar labels another number of frames than the
 * video decodes to; a label or its class name does not match the model's classes. Nothing is thrown
 * for a bad clip but that exception.
 */
public final class LabeledClips {

  /** The most bytes one {@link LabeledImages} can hold (a Java array's limit, less a margin). */
  static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  private LabeledClips() {}

  /**
   * Decodes a labeled clip (VIDEO + VIDEO.labels.csv sidecar) into training images at the model's
   * input size: every frame goes through the same decoding, resizing and gray/RGB conversion as
   * inference (VideoDecoder + FrameScaler with the model's InputContract and default stretch
   * preprocessing), then is turned back into 0–255 bytes (invert the contract's normalisation: byte
   * = round((v·std[c] + mean[c])·255), clipped) so LabeledImages holds what the engine would have
   * seen.
   *
   * @param clip the video; its sidecar is {@link LabelSidecar#pathFor(Path)}
   * @param contract the model's input: the images are {@code contract.channels() ×
   *     contract.height() × contract.width()}, one per frame, in frame order
   * @param classNames the model's classes, indexed by label: the sidecar's labels must lie in it
   *     and name the same classes
   * @return one image per frame, labelled from the sidecar
   * @throws ClipRejectedException naming the clip and why it cannot be used
   */
  public static LabeledImages read(Path clip, InputContract contract, List<String> classNames)
      throws ClipRejectedException {
    return read(clip, contract, Preprocessing.STRETCH, classNames);
  }

  /**
   * As {@link #read(Path, InputContract, List)}, with the frames fitted to the input as {@code
   * preprocessing} says (a stream's letterbox or region of interest), so that training images match
   * what inference sees on that stream.
   *
   * @throws ClipRejectedException naming the clip and why it cannot be used; a region of interest
   *     outside the frames is one reason
   */
  public static LabeledImages read(
      Path clip, InputContract contract, Preprocessing preprocessing, List<String> classNames)
      throws ClipRejectedException {
    Objects.requireNonNull(clip, "clip");
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(preprocessing, "preprocessing");
    List<String> classes = List.copyOf(classNames);
    try (VideoDecoder decoder = open(clip)) {
      int[] labels = checkedLabels(clip, classes);
      long bytes = (long) labels.length * contract.size();
      if (bytes > MAX_BYTES) {
        throw new ClipRejectedException(
            clip,
            labels.length
                + " frames of "
                + contract.channels()
                + "×"
                + contract.height()
                + "×"
                + contract.width()
                + " make "
                + bytes
                + " bytes, more than one image set holds ("
                + MAX_BYTES
                + "); split the clip");
      }
      byte[] pixels = decode(clip, decoder, contract, preprocessing, labels.length);
      return new LabeledImages(
          labels.length, contract.channels(), contract.height(), contract.width(), pixels, labels);
    } catch (VideoInputException e) {
      // Opening is handled in open(); this is the decoder failing to close.
      throw new ClipRejectedException(clip, "cannot read the video: " + e.reason(), e);
    }
  }

  private static VideoDecoder open(Path clip) throws ClipRejectedException {
    try {
      return VideoDecoder.open(clip, PictureFormat.NATIVE);
    } catch (VideoInputException e) {
      throw new ClipRejectedException(clip, "cannot read the video: " + e.reason(), e);
    }
  }

  /** The sidecar's labels, checked against the model's classes. */
  private static int[] checkedLabels(Path clip, List<String> classNames)
      throws ClipRejectedException {
    Path sidecar = LabelSidecar.pathFor(clip);
    if (!Files.exists(sidecar)) {
      throw missingSidecar(clip, sidecar, null);
    }
    LabelSidecar.Contents contents;
    try {
      contents = LabelSidecar.readContents(sidecar);
    } catch (NoSuchFileException e) {
      throw missingSidecar(clip, sidecar, e);
    } catch (LabelSidecar.MalformedException e) {
      throw new ClipRejectedException(clip, "malformed label sidecar: " + e.getMessage(), e);
    } catch (CharacterCodingException e) {
      throw new ClipRejectedException(
          clip, "malformed label sidecar: " + sidecar + " is not UTF-8 text", e);
    } catch (AccessDeniedException e) {
      throw new ClipRejectedException(
          clip, "cannot read the label sidecar " + sidecar + ": permission denied", e);
    } catch (IOException e) {
      throw new ClipRejectedException(
          clip, "cannot read the label sidecar " + sidecar + ": " + e.getMessage(), e);
    }
    int[] labels = contents.labels();
    if (labels.length == 0) {
      throw new ClipRejectedException(
          clip, "the label sidecar " + sidecar.getFileName() + " labels no frames");
    }
    for (Map.Entry<Integer, String> e : new TreeMap<>(contents.classNames()).entrySet()) {
      checkLabel(clip, labels, e.getKey(), e.getValue(), classNames);
    }
    return labels;
  }

  private static ClipRejectedException missingSidecar(Path clip, Path sidecar, Exception cause) {
    return new ClipRejectedException(
        clip, "no label sidecar: expected " + sidecar.getFileName() + " beside the video", cause);
  }

  /** Label {@code label}, which the sidecar calls {@code name}, must be the model's class name. */
  private static void checkLabel(
      Path clip, int[] labels, int label, String name, List<String> classNames)
      throws ClipRejectedException {
    String where = "first at frame " + firstFrameOf(labels, label);
    if (!classNames.contains(name)) {
      throw new ClipRejectedException(
          clip,
          "class name '"
              + name
              + "' (label "
              + label
              + ", "
              + where
              + ") is not one of the model's classes: "
              + String.join(", ", classNames));
    }
    if (label >= classNames.size()) {
      throw new ClipRejectedException(
          clip,
          "label "
              + label
              + " ('"
              + name
              + "', "
              + where
              + ") is out of range: the model has "
              + classNames.size()
              + " classes, labels 0 to "
              + (classNames.size() - 1));
    }
    if (!classNames.get(label).equals(name)) {
      throw new ClipRejectedException(
          clip,
          "label "
              + label
              + " is named '"
              + name
              + "' in the sidecar ("
              + where
              + "), but the model's class "
              + label
              + " is '"
              + classNames.get(label)
              + "'");
    }
  }

  private static int firstFrameOf(int[] labels, int label) {
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == label) {
        return i;
      }
    }
    throw new IllegalStateException("label " + label + " named but never used");
  }

  /**
   * The pixels of the first {@code expected} frames, as the engine would see them; the video must
   * decode to exactly that many frames, without damage.
   */
  private static byte[] decode(
      Path clip,
      VideoDecoder decoder,
      InputContract contract,
      Preprocessing preprocessing,
      int expected)
      throws ClipRejectedException, VideoInputException {
    int size = contract.size();
    byte[] pixels = new byte[expected * size];
    float[] input = new float[size];
    long decoded = 0;
    try (FrameScaler scaler = new FrameScaler(contract, preprocessing, clip.toString())) {
      while (true) {
        // Frames past the labelled ones are only counted, for the message.
        DecodedFrame frame = decoder.next();
        if (frame == null) {
          break;
        }
        if (decoded < expected) {
          try {
            scaler.toTensor(frame.picture(), input, 0);
          } catch (IllegalArgumentException e) {
            throw new ClipRejectedException(
                clip,
                "frame " + decoded + " cannot be fitted to the model's input: " + e.getMessage(),
                e);
          }
          contract.toBytes(input, 0, pixels, (int) decoded * size);
        }
        decoded++;
      }
    }
    DecodeReport report = decoder.report();
    boolean damaged = report.decodeErrors() > 0 || report.damagedFrames() > 0 || report.gaveUp();
    if (decoded != expected) {
      throw new ClipRejectedException(
          clip,
          "the label sidecar labels "
              + expected
              + " frames, but the video decodes to "
              + decoded
              + (damaged ? " (" + report.summary() + ")" : ""));
    }
    if (damaged) {
      throw new ClipRejectedException(clip, "the video is damaged: " + report.summary());
    }
    return pixels;
  }
}

package io.vigil.pipeline.video;

import io.vigil.engine.io.AtomicFiles;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The true label of every frame of a clip, in a CSV file beside it: {@code <clip file
 * name>.labels.csv} (e.g. {@code shirts.mp4.labels.csv}).
 *
 * <pre>
 * frame,label,class_name
 * 0,9,Ankle boot
 * 1,9,Ankle boot
 * </pre>
 *
 * One row per frame, frames numbered from 0 in order, labels non-negative integers, and one class
 * name per label. Class names may not contain commas, quotes or line breaks (there is no quoting).
 */
public final class LabelSidecar {

  /** The first line of every sidecar. */
  public static final String HEADER = "frame,label,class_name";

  private LabelSidecar() {}

  /** The sidecar of {@code clip}: the same directory, the clip's file name plus ".labels.csv". */
  public static Path pathFor(Path clip) {
    return clip.resolveSibling(clip.getFileName() + ".labels.csv");
  }

  /**
   * What a sidecar holds.
   *
   * @param labels the label of every frame, indexed by frame
   * @param classNames the class name the file gives each label it uses (one per label: a file that
   *     names a label two ways is malformed)
   */
  public record Contents(int[] labels, Map<Integer, String> classNames) {
    public Contents {
      classNames = Map.copyOf(classNames);
    }
  }

  /**
   * Reads the labels of a sidecar, indexed by frame.
   *
   * @throws IOException if the file cannot be read, or (naming the file and line) if it is not a
   *     well-formed sidecar: wrong header, wrong field count, a frame out of sequence, a label that
   *     is not a non-negative integer, an empty class name, or two names for one label
   */
  public static int[] read(Path sidecar) throws IOException {
    return readContents(sidecar).labels();
  }

  /**
   * Reads a sidecar's labels and the class names it gives them.
   *
   * @throws IOException as {@link #read(Path)} does
   */
  public static Contents readContents(Path sidecar) throws IOException {
    int[] labels = new int[64];
    int frames = 0;
    Map<Integer, String> names = new HashMap<>();
    try (BufferedReader in = Files.newBufferedReader(sidecar, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) {
        throw malformed(sidecar, 1, "empty file, expected the header '" + HEADER + "'");
      }
      if (header.startsWith("\uFEFF")) {
        header = header.substring(1);
      }
      if (!header.strip().equals(HEADER)) {
        throw malformed(sidecar, 1, "expected the header '" + HEADER + "', got '" + header + "'");
      }
      int lineNumber = 1;
      String line;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        String[] fields = line.split(",", -1);
        if (fields.length != 3) {
          throw malformed(
              sidecar,
              lineNumber,
              "expected 3 fields (" + HEADER + "), got " + fields.length + ": '" + line + "'");
        }
        int frame = integer(sidecar, lineNumber, "frame", fields[0]);
        if (frame != frames) {
          throw malformed(
              sidecar, lineNumber, "expected frame " + frames + " (in order from 0), got " + frame);
        }
        int label = integer(sidecar, lineNumber, "label", fields[1]);
        String name = fields[2].strip();
        if (name.isEmpty()) {
          throw malformed(sidecar, lineNumber, "empty class_name");
        }
        String earlier = names.putIfAbsent(label, name);
        if (earlier != null && !earlier.equals(name)) {
          throw malformed(
              sidecar,
              lineNumber,
              "label " + label + " is named '" + name + "' here but '" + earlier + "' before");
        }
        if (frames == labels.length) {
          labels = Arrays.copyOf(labels, labels.length * 2);
        }
        labels[frames++] = label;
      }
    }
    return new Contents(Arrays.copyOf(labels, frames), names);
  }

  /**
   * Writes {@code labels} (one per frame) to {@code sidecar} atomically: a reader sees the old file
   * or the whole new one.
   *
   * @param classNames the name of each label, indexed by label
   * @throws IllegalArgumentException if a label has no name or a name cannot be written
   */
  public static void write(Path sidecar, int[] labels, List<String> classNames) throws IOException {
    for (String name : classNames) {
      if (name.isBlank() || name.matches(".*[,\"\\r\\n].*")) {
        throw new IllegalArgumentException(
            "label sidecar: class name '" + name + "' is empty or holds a comma, quote or newline");
      }
    }
    Path temp = AtomicFiles.tempBeside(sidecar);
    try {
      try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        out.write(HEADER);
        out.write('\n');
        for (int frame = 0; frame < labels.length; frame++) {
          int label = labels[frame];
          if (label < 0 || label >= classNames.size()) {
            throw new IllegalArgumentException(
                "label sidecar: frame "
                    + frame
                    + " has label "
                    + label
                    + ", but there are "
                    + classNames.size()
                    + " class names");
          }
          out.write(frame + "," + label + "," + classNames.get(label) + "\n");
        }
      }
      AtomicFiles.commit(temp, sidecar);
    } catch (IOException | RuntimeException e) {
      AtomicFiles.discard(temp, e);
      throw e;
    }
  }

  private static int integer(Path sidecar, int line, String field, String text) throws IOException {
    try {
      int value = Integer.parseInt(text.strip());
      if (value < 0) {
        throw malformed(sidecar, line, field + " must not be negative, got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw malformed(sidecar, line, field + " is not an integer: '" + text + "'");
    }
  }

  private static IOException malformed(Path sidecar, int line, String what) {
    return new MalformedException(sidecar + " line " + line + ": " + what);
  }

  /** A sidecar that was read but is not well-formed (as opposed to one that could not be read). */
  static final class MalformedException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }
}

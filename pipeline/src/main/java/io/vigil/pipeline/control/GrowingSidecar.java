package io.vigil.pipeline.control;

import io.vigil.pipeline.video.LabelSidecar;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A label sidecar that grows while its stream runs: each {@link #poll()} reads the lines completed
 * since the last one ({@code frame,label,class_name}; a line still being written waits for the next
 * poll) and returns the labels they add, by frame. A line that names a class the model does not
 * have, or contradicts itself, is skipped and counted, not fatal: the rest of the stream's labels
 * stay usable. Not thread-safe: each reader (the labeled stream recorder, the dashboard's accuracy)
 * polls its own.
 */
public final class GrowingSidecar {

  private final Path file;
  private final List<String> classNames;
  private long offset;
  private long skipped;
  private boolean headerSeen;

  public GrowingSidecar(Path file, List<String> classNames) {
    this.file = file;
    this.classNames = classNames;
  }

  /** Labels (class indices) of the frames whose lines were completed since the last poll. */
  public Map<Long, Integer> poll() throws IOException {
    Map<Long, Integer> labels = new HashMap<>();
    if (!Files.exists(file)) {
      return labels;
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      if (length <= offset) {
        return labels;
      }
      byte[] bytes = new byte[(int) Math.min(length - offset, 16 << 20)];
      in.seek(offset);
      in.readFully(bytes);
      int start = 0;
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == '\n') {
          parse(new String(bytes, start, i - start, StandardCharsets.UTF_8).trim(), labels);
          start = i + 1;
        }
      }
      offset += start;
    }
    return labels;
  }

  /** Lines skipped so far (unknown class, bad numbers). */
  public long skipped() {
    return skipped;
  }

  private void parse(String line, Map<Long, Integer> labels) {
    if (line.isEmpty()) {
      return;
    }
    if (!headerSeen && line.equals(LabelSidecar.HEADER)) {
      headerSeen = true;
      return;
    }
    String[] f = line.split(",", -1);
    try {
      long frame = Long.parseLong(f[0].trim());
      String name = f.length > 2 ? f[2].trim() : "";
      int label = f.length > 1 && !f[1].isBlank() ? Integer.parseInt(f[1].trim()) : -1;
      if (label < 0 && !name.isEmpty()) {
        label = classNames.indexOf(name);
      }
      boolean known = label >= 0 && label < classNames.size();
      boolean agrees = name.isEmpty() || (known && classNames.get(label).equals(name));
      if (frame < 0 || !known || !agrees) {
        skipped++;
        return;
      }
      labels.put(frame, label);
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      skipped++;
    }
  }
}

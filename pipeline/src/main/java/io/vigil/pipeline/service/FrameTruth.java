package io.vigil.pipeline.service;

import io.vigil.pipeline.realtime.StreamLabels;
import io.vigil.pipeline.video.LabelSidecar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The true class of a frame of a labeled stream, for the dashboard's accuracy over time: by
 * presentation time for {@link StreamLabels.Ranges}, by frame index for a {@link
 * StreamLabels.Sidecar}. A sidecar may grow while its stream runs, so it is read again when its
 * size changed, at most once per {@link #refresh()}; while a line is half written the file reads as
 * malformed and the labels read before stay in use. Not thread-safe: one sampler calls it.
 */
final class FrameTruth {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FrameTruth.class);

  private final Map<String, StreamLabels> labels;
  private final List<String> classNames;
  private final Map<String, SidecarState> sidecars = new HashMap<>();

  /** One sidecar as last read. */
  private static final class SidecarState {
    long size = -1;
    int[] labels = new int[0];
    Map<Integer, String> names = Map.of();
    boolean warned;
  }

  FrameTruth(Map<String, StreamLabels> labels, List<String> classNames) {
    this.labels = Map.copyOf(labels);
    this.classNames = List.copyOf(classNames);
    this.labels.forEach(
        (id, l) -> {
          if (l instanceof StreamLabels.Sidecar) {
            sidecars.put(id, new SidecarState());
          }
        });
  }

  /** Whether {@code stream} has true labels at all. */
  boolean labeled(String stream) {
    return labels.containsKey(stream);
  }

  /** Reads the sidecars that changed since the last call. */
  void refresh() {
    sidecars.forEach(
        (id, state) -> reread(id, ((StreamLabels.Sidecar) labels.get(id)).file(), state));
  }

  /** The true class name of a frame, or null when its stream or the frame has none. */
  String classOf(String stream, long frame, long ptsMicros) {
    StreamLabels l = labels.get(stream);
    if (l instanceof StreamLabels.Ranges r) {
      return r.classAt(ptsMicros);
    }
    SidecarState s = sidecars.get(stream);
    if (s == null || frame < 0 || frame >= s.labels.length) {
      return null;
    }
    int label = s.labels[(int) frame];
    String name = s.names.get(label);
    if (name != null) {
      return name;
    }
    return label < classNames.size() ? classNames.get(label) : null;
  }

  private static void reread(String stream, Path file, SidecarState state) {
    try {
      long size = Files.exists(file) ? Files.size(file) : -1;
      if (size == state.size || size < 0) {
        return;
      }
      LabelSidecar.Contents c = LabelSidecar.readContents(file);
      state.labels = c.labels();
      state.names = c.classNames();
      state.size = size;
      state.warned = false;
    } catch (IOException e) {
      // A growing sidecar's last line may be half written: keep the labels read before.
      if (!state.warned) {
        log.warn("stream {}: labels not re-read for the dashboard: {}", stream, e.getMessage());
        state.warned = true;
      }
    }
  }
}

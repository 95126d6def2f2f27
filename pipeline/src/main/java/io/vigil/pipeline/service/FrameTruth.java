package io.vigil.pipeline.service;

import io.vigil.pipeline.control.GrowingSidecar;
import io.vigil.pipeline.realtime.FileLabels;
import io.vigil.pipeline.realtime.StreamLabels;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The true class of a frame of a labeled stream, for the dashboard's accuracy over time: by
 * presentation time for {@link StreamLabels.Ranges}, by frame index for a {@link
 * StreamLabels.Sidecar}, read as it grows ({@link GrowingSidecar}) at each {@link #refresh()}.
 *
 * <p>A result counts only if its frame's label is known when the result arrives; a sidecar line
 * written later is not matched back to results already counted. Labels of frames well behind the
 * stream's latest result are let go, and at most {@link #MAX_LABELS} are kept per stream, so that a
 * sidecar that grows for days does not grow the service with it. Thread-safe: {@link #refresh()}
 * from the sampler, {@link #classOf} from the result tap.
 */
final class FrameTruth {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FrameTruth.class);

  /** Sidecar labels kept per stream, at most. */
  static final int MAX_LABELS = 100_000;

  /** How far behind a stream's latest result a sidecar label is still kept, in frames. */
  static final long KEEP_BEHIND = 1_000;

  private final Map<String, StreamLabels> labels;
  private final List<String> classNames;
  private final Map<String, Sidecar> sidecars = new HashMap<>();

  /** One growing sidecar: its reader and the labels read, by frame. */
  private static final class Sidecar {
    final GrowingSidecar reader;
    final TreeMap<Long, Integer> byFrame = new TreeMap<>();
    long latestResult = -1;
    boolean warned;

    Sidecar(GrowingSidecar reader) {
      this.reader = reader;
    }
  }

  /**
   * A file stream's labels from its sidecar, for the streams without {@code labels} of their own.
   */
  private final Function<String, Optional<FileLabels>> files;

  FrameTruth(Map<String, StreamLabels> labels, List<String> classNames) {
    this(labels, classNames, stream -> Optional.empty());
  }

  FrameTruth(
      Map<String, StreamLabels> labels,
      List<String> classNames,
      Function<String, Optional<FileLabels>> files) {
    this.files = files;
    this.labels = Map.copyOf(labels);
    this.classNames = List.copyOf(classNames);
    this.labels.forEach(
        (id, l) -> {
          if (l instanceof StreamLabels.Sidecar s) {
            sidecars.put(id, new Sidecar(new GrowingSidecar(s.file(), this.classNames)));
          }
        });
  }

  /** Whether {@code stream} has true labels at all: its own, or its file's sidecar. */
  boolean labeled(String stream) {
    return labels.containsKey(stream) || files.apply(stream).isPresent();
  }

  /** Reads the lines the sidecars gained since the last call. Called from one thread. */
  void refresh() {
    sidecars.forEach(
        (id, s) -> {
          Map<Long, Integer> added;
          try {
            added = s.reader.poll();
          } catch (IOException e) {
            // The file may be being replaced; the next refresh tries again.
            if (!s.warned) {
              log.warn("stream {}: labels not read for the dashboard: {}", id, e.toString());
              s.warned = true;
            }
            return;
          }
          synchronized (s) {
            s.byFrame.putAll(added);
            s.byFrame.headMap(s.latestResult - KEEP_BEHIND).clear();
            while (s.byFrame.size() > MAX_LABELS) {
              s.byFrame.pollFirstEntry();
            }
          }
        });
  }

  /** The true class name of a frame, or null when its stream or the frame has none (yet). */
  String classOf(String stream, long frame, long ptsMicros) {
    StreamLabels l = labels.get(stream);
    if (l instanceof StreamLabels.Ranges r) {
      return r.classAt(ptsMicros);
    }
    Sidecar s = sidecars.get(stream);
    if (s == null) {
      // A file stream whose file has a sidecar: the same labels its summary is checked against,
      // pass after pass when it loops.
      int label = files.apply(stream).map(f -> f.labelOf(frame)).orElse(-1);
      return label >= 0 && label < classNames.size() ? classNames.get(label) : null;
    }
    Integer label;
    synchronized (s) {
      s.latestResult = Math.max(s.latestResult, frame);
      label = s.byFrame.get(frame);
    }
    return label == null ? null : classNames.get(label);
  }
}

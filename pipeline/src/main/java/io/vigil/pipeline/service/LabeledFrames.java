package io.vigil.pipeline.service;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.video.LabelSidecar;
import io.vigil.pipeline.video.LabeledClipWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Frames labeled by people, on their way to the trainer: they accumulate here and are written into
 * the retraining inbox as one labeled clip ({@link LabeledClipWriter}: lossless FFV1 in Matroska,
 * {@code labeled-STAMP-N.mkv} and its {@code .labels.csv} sidecar), the format and path the labeled
 * streams' recorder uses, so the inbox and the trainer take it like any clip. The writer commits
 * the video under its final name only when it is complete and the sidecar after it, and the inbox
 * takes a clip only once both are there and have kept their sizes over two polls, so it never reads
 * half a clip. Frames are written in (stream, frame) order, so that near-identical neighbouring
 * frames fall into the same hold-out block of the trainer's split.
 *
 * <p>When a write fails, its frames stay here (nothing labeled is lost), the partly written files
 * are removed, and the error is kept until a write succeeds. Thread-safe; writes happen one at a
 * time, outside the lock that labeling takes.
 */
final class LabeledFrames {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /** A labeled frame: the model's input as bytes and the index of its class. */
  record Labeled(String stream, long frame, byte[] pixels, int label) {}

  /** A clip written into the inbox. */
  record Written(Path clip, int frames) {}

  private final InputContract contract;
  private final List<String> classNames;
  private final Path inbox;
  private final LabelingSettings settings;
  private final Clock clock;
  private final ReentrantLock writing = new ReentrantLock();

  // Guarded by this.
  private final List<Labeled> waiting = new ArrayList<>();
  private int clipsSent;
  private String lastError;
  private int sequence;

  /**
   * @param inbox the retraining inbox, or null when retraining is off (labels are then refused)
   */
  LabeledFrames(
      InputContract contract,
      List<String> classNames,
      Path inbox,
      LabelingSettings settings,
      Clock clock) {
    this.contract = contract;
    this.classNames = List.copyOf(classNames);
    this.inbox = inbox;
    this.settings = settings;
    this.clock = clock;
  }

  /** Whether labels have somewhere to go. */
  boolean enabled() {
    return inbox != null;
  }

  /** Adds a labeled frame; returns how many wait to be written. */
  synchronized int add(Labeled frame) {
    waiting.add(frame);
    return waiting.size();
  }

  synchronized int waiting() {
    return waiting.size();
  }

  synchronized int clipsSent() {
    return clipsSent;
  }

  /** The last write's error, or null when the last write succeeded (or none failed). */
  synchronized String lastError() {
    return lastError;
  }

  /**
   * Writes every waiting frame as one clip when at least {@code minFrames} wait; returns null when
   * fewer do.
   *
   * @throws IOException naming the clip and the cause when it cannot be written; the frames stay
   */
  Written writeIfAtLeast(int minFrames) throws IOException {
    writing.lock();
    try {
      List<Labeled> batch;
      synchronized (this) {
        if (waiting.size() < minFrames || waiting.isEmpty()) {
          return null;
        }
        batch = new ArrayList<>(waiting);
        waiting.clear();
      }
      batch.sort(Comparator.comparing(Labeled::stream).thenComparingLong(Labeled::frame));
      Path clip = null;
      try {
        clip = freeName();
        write(clip, batch);
      } catch (IOException | RuntimeException e) {
        String message =
            "cannot write "
                + batch.size()
                + " labeled frames into the inbox"
                + (clip != null ? " as " + clip.getFileName() : " " + inbox)
                + ": "
                + e.getMessage()
                + "; they are kept and written with the next clip";
        if (clip != null) {
          removePartial(clip, e);
        }
        synchronized (this) {
          waiting.addAll(0, batch);
          lastError = message;
        }
        throw new IOException(message, e);
      }
      synchronized (this) {
        clipsSent++;
        lastError = null;
      }
      return new Written(clip, batch.size());
    } finally {
      writing.unlock();
    }
  }

  private void write(Path clip, List<Labeled> batch) throws IOException {
    List<byte[]> frames = new ArrayList<>(batch.size());
    int[] labels = new int[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      frames.add(batch.get(i).pixels());
      labels[i] = batch.get(i).label();
    }
    LabeledClipWriter.write(
        clip,
        frames,
        contract.channels(),
        contract.height(),
        contract.width(),
        labels,
        classNames,
        settings.fps());
  }

  /** A name in the inbox that no clip or sidecar has: {@code labeled-STAMP-N.mkv}. */
  private Path freeName() throws IOException {
    Files.createDirectories(inbox);
    String stamp = STAMP.format(clock.instant());
    while (true) {
      int n;
      synchronized (this) {
        n = ++sequence;
      }
      Path clip = inbox.resolve("labeled-" + stamp + "-" + n + ".mkv");
      if (!Files.exists(clip) && !Files.exists(LabelSidecar.pathFor(clip))) {
        return clip;
      }
    }
  }

  /**
   * Removes what a failed write left under the clip's name (the video when its sidecar failed), so
   * that the retried frames are not trained on twice.
   */
  private static void removePartial(Path clip, Exception cause) {
    for (Path p : List.of(clip, LabelSidecar.pathFor(clip))) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        cause.addSuppressed(e);
      }
    }
  }
}

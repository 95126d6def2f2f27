package io.vigil.pipeline.control;

import io.vigil.engine.train.GateVerdict;
import io.vigil.pipeline.stream.SwapReport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What the control plane did, in the order it happened: clips taken or refused, training started,
 * failed or judged, versions published, swapped in or refused, the trainer yielding the CPU. The
 * actors send these to one journal ({@link EventJournal}) that logs them and keeps them for a
 * timeline (the demo, later the service).
 */
public sealed interface ControlEvent {

  /** When it happened. */
  Instant at();

  /** One line for people. */
  String describe();

  /** Labeled clips ready in the inbox (or passed in) and queued for training. */
  record ClipsArrived(Instant at, List<Path> clips) implements ControlEvent {
    public String describe() {
      return clips.size() + " labeled clip(s) arrived: " + names(clips);
    }
  }

  /** Frames of a labeled stream, paired with their labels, written as a clip into the inbox. */
  record StreamFramesLabeled(Instant at, String stream, Path clip, int frames, long unlabeled)
      implements ControlEvent {
    public String describe() {
      return "stream "
          + stream
          + ": "
          + frames
          + " labeled frames written to the inbox as "
          + clip.getFileName()
          + (unlabeled > 0 ? " (" + unlabeled + " frames found no label)" : "");
    }
  }

  /** A clip that cannot be used was moved aside, with why. */
  record ClipRejected(Instant at, Path clip, String reason) implements ControlEvent {
    public String describe() {
      return "clip " + clip.getFileName() + " set aside: " + reason;
    }
  }

  /** The trainer took clips and began fine-tuning a copy of {@code baseVersion}. */
  record TrainingStarted(Instant at, List<Path> clips, String baseVersion) implements ControlEvent {
    public String describe() {
      return "training from " + baseVersion + " on " + names(clips);
    }
  }

  /** A training run failed; the trainer restarts with backoff. Inference is not touched. */
  record TrainingFailed(Instant at, String reason) implements ControlEvent {
    public String describe() {
      return "training failed (trainer restarts after a backoff): " + reason;
    }
  }

  /** The validation gate's decision on a candidate. */
  record GateDecided(
      Instant at,
      String candidateVersion,
      GateVerdict verdict,
      int newFrames,
      int replayedFrames,
      double trainingSeconds)
      implements ControlEvent {
    public String describe() {
      return (verdict.passed() ? "gate passed " : "gate rejected ")
          + candidateVersion
          + ": "
          + verdict.reason()
          + String.format(
              java.util.Locale.ROOT,
              " (%d new frames, %d replayed, %.1f s)",
              newFrames,
              replayedFrames,
              trainingSeconds);
    }
  }

  /** A version was written to the registry. */
  record VersionPublished(Instant at, String version, String parentVersion)
      implements ControlEvent {
    public String describe() {
      // An uploaded or imported model may have no parent in this registry.
      return "published "
          + version
          + (parentVersion == null ? "" : " (from " + parentVersion + ")");
    }
  }

  /** The running streams switched to another version (an activation or a rollback). */
  record Swapped(Instant at, SwapReport report) implements ControlEvent {
    public String describe() {
      return String.format(
          java.util.Locale.ROOT,
          "swapped %s → %s (loaded and tried in %.0f ms, first result %.0f ms after the swap)",
          report.fromVersion(),
          report.toVersion(),
          report.loadMillis(),
          report.toFirstResultMillis());
    }
  }

  /** An activation that did not happen; the old version keeps serving. */
  record SwapRefused(Instant at, String version, String reason) implements ControlEvent {
    public String describe() {
      return "not activated " + version + ": " + reason;
    }
  }

  /** The trainer paused (real-time latency near its bound) or resumed. */
  record TrainerYield(Instant at, boolean paused, double recentP99Millis) implements ControlEvent {
    public String describe() {
      return String.format(
          java.util.Locale.ROOT,
          "trainer %s (recent real-time p99 %.1f ms)",
          paused ? "paused" : "resumed",
          recentP99Millis);
    }
  }

  private static String names(List<Path> clips) {
    StringBuilder s = new StringBuilder();
    for (Path p : clips) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append(p.getFileName());
    }
    return s.toString();
  }
}

package io.vigil.pipeline.control;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.realtime.StreamLabels;
import io.vigil.pipeline.video.LabeledClipWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Turns the frames of labeled streams into training data: receives each frame of a stream whose
 * configuration names its labels ({@link StreamLabels}) as the model saw it, pairs it with its
 * label (by time range at once; from a growing sidecar as its lines arrive), and every {@code
 * framesPerClip} labeled frames writes them as a lossless labeled clip into the clip inbox, where
 * the trainer takes them like any dropped-in clip. Frames still waiting for a label are kept up to
 * {@code maxPending} per stream (the oldest go first, counted); labeled frames not yet written when
 * the recorder stops are written then, so none is lost. Spawn it on the blocking dispatcher: it
 * writes files.
 */
public final class LabeledStreamRecorder {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(LabeledStreamRecorder.class);

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /** What the recorder is told. */
  public sealed interface Command {}

  /** A frame of a labeled stream, at the model's input size (bytes, CHW). */
  public record Captured(String stream, long index, long ptsMicros, byte[] pixels)
      implements Command {}

  private enum Flush implements Command {
    INSTANCE
  }

  /**
   * How frames become clips.
   *
   * @param framesPerClip labeled frames per clip written to the inbox
   * @param maxPending frames per stream kept while they wait for a label
   * @param flushEvery how often growing sidecars are read
   * @param fps the frame rate written into the clips (their frames are stills; any rate works)
   */
  public record Settings(int framesPerClip, int maxPending, Duration flushEvery, double fps) {
    public Settings {
      if (framesPerClip < 1 || maxPending < 1) {
        throw new IllegalArgumentException(
            "labeled streams: frames per clip and pending frames must be at least 1, got "
                + framesPerClip
                + " and "
                + maxPending);
      }
    }
  }

  /** One labeled stream's frames on their way to a clip. */
  private static final class Stream {
    final StreamLabels labels;
    final GrowingSidecar sidecar;
    final TreeMap<Long, byte[]> waiting = new TreeMap<>();
    final TreeMap<Long, Integer> early = new TreeMap<>();
    final List<byte[]> frames = new ArrayList<>();
    final List<Integer> classes = new ArrayList<>();
    long unlabeled;
    int clips;

    Stream(StreamLabels labels, List<String> classNames) {
      this.labels = labels;
      this.sidecar =
          labels instanceof StreamLabels.Sidecar s
              ? new GrowingSidecar(s.file(), classNames)
              : null;
    }
  }

  private final ActorContext<Command> context;
  private final InputContract contract;
  private final List<String> classNames;
  private final Path inbox;
  private final Settings settings;
  private final ActorRef<ControlEvent> events;
  private final Map<String, Stream> streams = new HashMap<>();

  private LabeledStreamRecorder(
      ActorContext<Command> context,
      Map<String, StreamLabels> labels,
      InputContract contract,
      List<String> classNames,
      Path inbox,
      Settings settings,
      ActorRef<ControlEvent> events) {
    this.context = context;
    this.contract = contract;
    this.classNames = classNames;
    this.inbox = inbox;
    this.settings = settings;
    this.events = events;
    labels.forEach((id, l) -> streams.put(id, new Stream(l, classNames)));
  }

  /**
   * A recorder for the streams of {@code labels}, writing into {@code inbox}.
   *
   * @throws IllegalArgumentException when a time range names a class the model does not have
   */
  public static Behavior<Command> create(
      Map<String, StreamLabels> labels,
      InputContract contract,
      List<String> classNames,
      Path inbox,
      Settings settings,
      ActorRef<ControlEvent> events) {
    labels.forEach(
        (id, l) -> {
          if (l instanceof StreamLabels.Ranges r) {
            for (StreamLabels.Range range : r.ranges()) {
              if (!classNames.contains(range.className())) {
                throw new IllegalArgumentException(
                    "stream "
                        + id
                        + ": labels name the class '"
                        + range.className()
                        + "', which the model does not have; its classes: "
                        + String.join(", ", classNames));
              }
            }
          }
        });
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Flush.INSTANCE, settings.flushEvery());
                  return new LabeledStreamRecorder(
                          context, labels, contract, classNames, inbox, settings, events)
                      .behavior();
                }));
  }

  /** The frame's model input as bytes: the contract's normalisation undone, rounded, clipped. */
  public static byte[] bytesOf(float[] pixels, InputContract contract) {
    if (pixels.length != contract.size()) {
      throw new IllegalArgumentException(
          "frame of " + pixels.length + " floats, the input contract says " + contract.size());
    }
    byte[] out = new byte[pixels.length];
    contract.toBytes(pixels, 0, out, 0);
    return out;
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Captured.class, this::onCaptured)
        .onMessageEquals(Flush.INSTANCE, this::onFlush)
        .onSignal(PostStop.class, s -> onStop())
        .build();
  }

  private Behavior<Command> onCaptured(Captured c) {
    Stream s = streams.get(c.stream());
    if (s == null) {
      return Behaviors.same();
    }
    if (s.labels instanceof StreamLabels.Ranges r) {
      String name = r.classAt(c.ptsMicros());
      if (name == null) {
        s.unlabeled++;
      } else {
        add(s, c.pixels(), classNames.indexOf(name));
      }
    } else {
      Integer label = s.early.remove(c.index());
      if (label != null) {
        add(s, c.pixels(), label);
      } else {
        s.waiting.put(c.index(), c.pixels());
        while (s.waiting.size() > settings.maxPending()) {
          s.waiting.pollFirstEntry();
          s.unlabeled++;
        }
      }
    }
    writeFull(c.stream(), s);
    return Behaviors.same();
  }

  private Behavior<Command> onFlush() {
    streams.forEach(
        (id, s) -> {
          if (s.sidecar == null) {
            return;
          }
          try {
            for (Map.Entry<Long, Integer> e : new TreeMap<>(s.sidecar.poll()).entrySet()) {
              byte[] pixels = s.waiting.remove(e.getKey());
              if (pixels != null) {
                add(s, pixels, e.getValue());
              } else {
                // A label for a frame that has not come yet (or was dropped): kept for a while.
                s.early.put(e.getKey(), e.getValue());
                while (s.early.size() > settings.maxPending()) {
                  s.early.pollFirstEntry();
                }
              }
            }
          } catch (IOException e) {
            log.warn("stream {}: cannot read its labels: {}", id, e.getMessage());
          }
          writeFull(id, s);
        });
    return Behaviors.same();
  }

  private Behavior<Command> onStop() {
    streams.forEach(
        (id, s) -> {
          if (!s.frames.isEmpty()) {
            write(id, s);
          }
        });
    return Behaviors.same();
  }

  private static void add(Stream s, byte[] pixels, int label) {
    s.frames.add(pixels);
    s.classes.add(label);
  }

  private void writeFull(String id, Stream s) {
    if (s.frames.size() >= settings.framesPerClip()) {
      write(id, s);
    }
  }

  /** Writes the stream's labeled frames as one clip into the inbox. */
  private void write(String id, Stream s) {
    s.clips++;
    Path clip =
        inbox.resolve(id + "-labeled-" + STAMP.format(Instant.now()) + "-" + s.clips + ".mkv");
    int[] labels = s.classes.stream().mapToInt(Integer::intValue).toArray();
    try {
      java.nio.file.Files.createDirectories(inbox);
      LabeledClipWriter.write(
          clip,
          s.frames,
          contract.channels(),
          contract.height(),
          contract.width(),
          labels,
          classNames,
          settings.fps());
      events.tell(
          new ControlEvent.StreamFramesLabeled(
              Instant.now(), id, clip, labels.length, s.unlabeled));
    } catch (IOException | RuntimeException e) {
      log.warn("stream {}: cannot write its labeled frames to {}: {}", id, clip, e.toString());
    }
    s.frames.clear();
    s.classes.clear();
  }
}

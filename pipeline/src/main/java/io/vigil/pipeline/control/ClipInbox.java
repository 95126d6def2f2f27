package io.vigil.pipeline.control;

import io.vigil.pipeline.video.ClipQuarantine;
import io.vigil.pipeline.video.LabelSidecar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The clip inbox: watches the inbox folder for labeled clips ({@code NAME.mp4} with its {@code
 * NAME.mp4.labels.csv}), takes clips passed in directly, and hands them to the trainer when it asks
 * for work.
 *
 * <p>A file in the folder is taken once it and its sidecar have kept the same size over two polls
 * (so a clip still being copied is not read half-way); names starting with '.' are ignored. All the
 * clips ready when the trainer asks go into one retraining. A clip the trainer used is moved to
 * {@code used/}; one it could not use is moved to {@code rejected/} with a note saying why ({@link
 * ClipQuarantine}); one whose training failed is offered again, up to {@code maxAttempts} times,
 * then set aside the same way. Clips passed in from elsewhere are never moved. Nothing is deleted.
 */
public final class ClipInbox {

  /** Video file names the inbox takes, by extension. */
  public static final Set<String> VIDEO_EXTENSIONS =
      Set.of("mp4", "avi", "mkv", "mov", "webm", "m4v", "mpg", "mpeg", "ts");

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ClipInbox.class);

  /** What the inbox is told. */
  public sealed interface Command {}

  /** The trainer is free: reply with {@link Work} now if clips are ready, else once some are. */
  public record RequestWork(ActorRef<Work> replyTo) implements Command {}

  /** Clips for one retraining. */
  public record Work(List<Path> clips) {}

  /** The trainer used these clips (whatever the gate said). */
  public record Finished(List<Path> clips) implements Command {}

  /** Training on these clips failed; they are offered again or, after too many tries, set aside. */
  public record Failed(List<Path> clips, String reason) implements Command {}

  /** This clip cannot be used (unreadable, labels that do not fit): set it aside now. */
  public record Reject(Path clip, String reason) implements Command {}

  /** A clip given directly (the command line, an upload): queued as is, never moved. */
  public record Submit(Path clip) implements Command {}

  /** Replies with the clips waiting and in training. */
  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /** Clips waiting for the trainer and clips it is training on now. */
  public record Status(List<Path> waiting, List<Path> inTraining) {}

  private enum Poll implements Command {
    INSTANCE
  }

  private final ActorContext<Command> context;
  private final Path dir;
  private final int maxAttempts;
  private final ActorRef<ControlEvent> events;

  /** Clips ready for training, in arrival order. */
  private final Set<Path> waiting = new LinkedHashSet<>();

  /** Clips given to the trainer and not yet reported back. */
  private final Set<Path> inTraining = new LinkedHashSet<>();

  /** Files in the folder and their sizes at the last poll, to see when a copy has finished. */
  private final Map<Path, Long> lastSizes = new HashMap<>();

  /** Clips set aside that could not be moved out of the folder: never taken again. */
  private final Set<Path> refused = new LinkedHashSet<>();

  /** Failed trainings per clip. */
  private final Map<Path, Integer> attempts = new HashMap<>();

  /** The trainer waiting for work, if it is. */
  private ActorRef<Work> idleTrainer;

  private ClipInbox(
      ActorContext<Command> context, Path dir, int maxAttempts, ActorRef<ControlEvent> events) {
    this.context = context;
    this.dir = dir;
    this.maxAttempts = maxAttempts;
    this.events = events;
  }

  /**
   * An inbox over {@code dir} (created if absent; null: only clips {@link Submit submitted}),
   * polled every {@code pollInterval}.
   */
  public static Behavior<Command> create(
      Path dir, Duration pollInterval, int maxAttempts, ActorRef<ControlEvent> events) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be at least 1, got " + maxAttempts);
    }
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                (TimerScheduler<Command> timers) -> {
                  if (dir != null) {
                    try {
                      Files.createDirectories(dir);
                    } catch (IOException e) {
                      throw new UncheckedIOException(
                          "clip inbox " + dir + ": cannot create it: " + e.getMessage(), e);
                    }
                    timers.startTimerWithFixedDelay(Poll.INSTANCE, pollInterval);
                    context.getSelf().tell(Poll.INSTANCE);
                  }
                  return new ClipInbox(context, dir, maxAttempts, events).behavior();
                }));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Poll.INSTANCE, this::onPoll)
        .onMessage(RequestWork.class, this::onRequestWork)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(Failed.class, this::onFailed)
        .onMessage(Reject.class, this::onReject)
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(GetStatus.class, this::onGetStatus)
        .build();
  }

  private Behavior<Command> onPoll() {
    List<Path> arrived = new ArrayList<>();
    Map<Path, Long> sizes = currentSizes();
    for (Map.Entry<Path, Long> e : sizes.entrySet()) {
      Path clip = e.getKey();
      if (waiting.contains(clip) || inTraining.contains(clip) || refused.contains(clip)) {
        continue;
      }
      Path sidecar = LabelSidecar.pathFor(clip);
      Long sidecarSize = sizes.get(sidecar);
      Long clipBefore = lastSizes.get(clip);
      Long sidecarBefore = lastSizes.get(sidecar);
      boolean settled =
          sidecarSize != null
              && e.getValue().equals(clipBefore)
              && sidecarSize.equals(sidecarBefore)
              && e.getValue() > 0;
      if (isVideo(clip) && settled) {
        arrived.add(clip);
      }
    }
    lastSizes.clear();
    lastSizes.putAll(sizes);
    if (!arrived.isEmpty()) {
      waiting.addAll(arrived);
      events.tell(new ControlEvent.ClipsArrived(Instant.now(), List.copyOf(arrived)));
      dispatch();
    }
    return Behaviors.same();
  }

  /** The regular files directly in the folder, with their sizes. */
  private Map<Path, Long> currentSizes() {
    Map<Path, Long> sizes = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.sorted().toList()) {
        if (!p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)) {
          sizes.put(p, Files.size(p));
        }
      }
    } catch (IOException e) {
      // A folder that cannot be read now may be readable at the next poll; say so, keep going.
      log.warn("clip inbox {}: cannot list it: {}", dir, e.getMessage());
    }
    return sizes;
  }

  private static boolean isVideo(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && VIDEO_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private Behavior<Command> onRequestWork(RequestWork request) {
    idleTrainer = request.replyTo();
    dispatch();
    return Behaviors.same();
  }

  /** Gives every waiting clip to the trainer, if it waits for work. */
  private void dispatch() {
    if (idleTrainer == null || waiting.isEmpty()) {
      return;
    }
    List<Path> clips = List.copyOf(waiting);
    waiting.clear();
    inTraining.addAll(clips);
    idleTrainer.tell(new Work(clips));
    idleTrainer = null;
  }

  private Behavior<Command> onFinished(Finished finished) {
    for (Path clip : finished.clips()) {
      if (inTraining.remove(clip)) {
        attempts.remove(clip);
        moveUsed(clip);
      }
    }
    return Behaviors.same();
  }

  private Behavior<Command> onFailed(Failed failed) {
    for (Path clip : failed.clips()) {
      if (!inTraining.remove(clip)) {
        continue;
      }
      int tries = attempts.merge(clip, 1, Integer::sum);
      if (tries >= maxAttempts) {
        attempts.remove(clip);
        setAside(clip, "training failed " + tries + " times; last: " + failed.reason());
      } else {
        waiting.add(clip);
      }
    }
    return Behaviors.same();
  }

  private Behavior<Command> onReject(Reject reject) {
    inTraining.remove(reject.clip());
    waiting.remove(reject.clip());
    attempts.remove(reject.clip());
    setAside(reject.clip(), reject.reason());
    return Behaviors.same();
  }

  private Behavior<Command> onSubmit(Submit submit) {
    Path clip = submit.clip().toAbsolutePath().normalize();
    if (!waiting.contains(clip) && !inTraining.contains(clip)) {
      waiting.add(clip);
      events.tell(new ControlEvent.ClipsArrived(Instant.now(), List.of(clip)));
      dispatch();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    get.replyTo().tell(new Status(List.copyOf(waiting), List.copyOf(inTraining)));
    return Behaviors.same();
  }

  private boolean inFolder(Path clip) {
    return dir != null && dir.equals(clip.getParent());
  }

  /** Moves a used clip and its sidecar to {@code used/}, keeping both (nothing is deleted). */
  private void moveUsed(Path clip) {
    if (!inFolder(clip)) {
      return;
    }
    Path used = dir.resolve("used");
    try {
      Files.createDirectories(used);
      for (Path p : List.of(clip, LabelSidecar.pathFor(clip))) {
        if (Files.exists(p)) {
          Files.move(p, free(used.resolve(p.getFileName())), StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException e) {
      log.warn("clip inbox: cannot move {} to {}: {}", clip, used, e.getMessage());
    }
  }

  /** {@code target}, or the same name with a numeric suffix where it is taken. */
  private static Path free(Path target) {
    Path candidate = target;
    for (int i = 1; Files.exists(candidate); i++) {
      candidate = target.resolveSibling(target.getFileName() + "." + i);
    }
    return candidate;
  }

  private void setAside(Path clip, String reason) {
    events.tell(new ControlEvent.ClipRejected(Instant.now(), clip, reason));
    if (!inFolder(clip)) {
      return;
    }
    try {
      ClipQuarantine.moveAside(clip, dir.resolve("rejected"), reason);
    } catch (IOException e) {
      refused.add(clip);
      log.warn("clip inbox: cannot set {} aside: {}", clip, e.getMessage());
    }
  }
}

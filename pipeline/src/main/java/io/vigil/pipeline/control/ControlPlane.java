package io.vigil.pipeline.control;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.realtime.StreamLabels;
import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.stream.DecoderSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The root guardian of a running vigil: spawns the control plane and hands out its actors.
 *
 * <pre>
 * guardian
 *  ├── events ─────────── the journal every actor reports to
 *  ├── stream manager ─── the running streams; swaps; keeps training off the CPU real time needs
 *  ├── model registry ─── versions on disk, the active one; activation and rollback (blocking dispatcher)
 *  ├── clip inbox ─────── watches the inbox folder, queues labeled clips
 *  └── trainer ────────── fine-tunes and asks the gate; restarted with backoff when it fails
 * </pre>
 *
 * The Pekko Streams graph of the real-time pipeline is the data plane; these actors control it.
 */
public final class ControlPlane {

  /** What the guardian is asked. */
  public sealed interface Command {}

  /** Replies with the control plane's actors. */
  public record GetActors(ActorRef<Actors> replyTo) implements Command {}

  /** The control plane's actors. */
  public record Actors(
      ActorRef<StreamManager.Command> streams,
      ActorRef<RegistryActor.Command> registry,
      ActorRef<ClipInbox.Command> inbox,
      ActorRef<Trainer.Command> trainer) {}

  /**
   * What the control plane is built from.
   *
   * @param live starts the pipeline on the actor system and gives its streams
   * @param initialStreams streams started at once
   * @param registry the model registry, whose active version {@code serving} is
   * @param serving the model the pipeline runs now
   * @param backend where activated versions are loaded
   * @param retraining what the trainer runs
   * @param settings inbox, gate, yield and backoff settings
   * @param journal where every {@link ControlEvent} is kept
   * @param labeledStreams the streams whose frames become training data, with where their labels
   *     come from (recorded only while retraining is enabled)
   * @param acceptedClassLists class lists the outputs accept besides the serving model's
   */
  public record Parts(
      Function<ActorSystem<?>, LiveStreams> live,
      List<SourceSpec> initialStreams,
      ModelRegistry registry,
      Model serving,
      Backend backend,
      Retraining retraining,
      RetrainSettings settings,
      CopyOnWriteArrayList<ControlEvent> journal,
      Map<String, StreamLabels> labeledStreams,
      List<List<String>> acceptedClassLists) {}

  /** How long a swap into the streams may take before an activation gives up. */
  static final Duration SWAP_TIMEOUT = Duration.ofSeconds(60);

  /** How often the registry looks for an activation made by another process. */
  static final Duration WATCH_ACTIVE = Duration.ofSeconds(1);

  private ControlPlane() {}

  /** Frames of labeled streams (each 2,000 labeled frames) go to the inbox as clips. */
  static final LabeledStreamRecorder.Settings LABELED =
      new LabeledStreamRecorder.Settings(2000, 20_000, Duration.ofSeconds(1), 30);

  /** Spawns the recorder of labeled streams and taps the pipeline's frames into it. */
  private static void recordLabeledStreams(
      org.apache.pekko.actor.typed.javadsl.ActorContext<Command> context,
      Parts parts,
      LiveStreams live,
      ActorRef<ControlEvent> events) {
    Model model = parts.serving();
    ActorRef<LabeledStreamRecorder.Command> recorder =
        context.spawn(
            LabeledStreamRecorder.create(
                parts.labeledStreams(),
                model.input(),
                model.classNames(),
                parts.settings().inbox(),
                LABELED,
                events),
            "labeled-streams",
            DispatcherSelector.fromConfig(DecoderSource.BLOCKING_DISPATCHER));
    Map<String, StreamLabels> labeled = parts.labeledStreams();
    live.tapFrames(
        frame -> {
          if (labeled.containsKey(frame.stream())) {
            recorder.tell(
                new LabeledStreamRecorder.Captured(
                    frame.stream(),
                    frame.index(),
                    frame.ptsMicros(),
                    LabeledStreamRecorder.bytesOf(frame.pixels(), model.input())));
          }
        });
  }

  /**
   * The actors of a running control plane, once its initial streams have been started (the stream
   * manager starts them before it takes its first message, so its answer to a question comes after
   * them).
   */
  public static Actors started(ActorSystem<Command> system, Duration timeout) throws Exception {
    Actors actors =
        AskPattern.<Command, Actors>ask(system, GetActors::new, timeout, system.scheduler())
            .toCompletableFuture()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    AskPattern.<StreamManager.Command, java.util.Set<String>>ask(
            actors.streams(), StreamManager.ListStreams::new, timeout, system.scheduler())
        .toCompletableFuture()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return actors;
  }

  public static Behavior<Command> create(Parts parts) {
    return Behaviors.setup(
        context -> {
          ExecutorService trainingThread =
              Executors.newSingleThreadExecutor(
                  r -> {
                    Thread t = new Thread(r, "vigil-trainer");
                    t.setDaemon(true);
                    return t;
                  });
          RetrainSettings s = parts.settings();
          LiveStreams live = parts.live().apply(context.getSystem());
          YieldGate gate = new YieldGate();
          ActorRef<ControlEvent> events =
              context.spawn(EventJournal.create(parts.journal()), "events");
          ActorRef<StreamManager.Command> streams =
              context.spawn(
                  StreamManager.create(live, parts.initialStreams(), gate, s.yield(), events),
                  "streams");
          ActorRef<RegistryActor.Command> registry =
              context.spawn(
                  RegistryActor.create(
                      parts.registry(),
                      parts.serving(),
                      parts.backend(),
                      streams,
                      events,
                      parts.acceptedClassLists(),
                      SWAP_TIMEOUT,
                      WATCH_ACTIVE),
                  "registry",
                  DispatcherSelector.fromConfig(DecoderSource.BLOCKING_DISPATCHER));
          ActorRef<ClipInbox.Command> inbox =
              context.spawn(
                  ClipInbox.create(
                      s.enabled() ? s.inbox() : null, s.pollInterval(), s.maxAttempts(), events),
                  "inbox");
          ActorRef<Trainer.Command> trainer =
              context.spawn(
                  Trainer.supervised(
                      new Trainer.Setup(
                          inbox,
                          registry,
                          events,
                          parts.retraining(),
                          trainingThread,
                          gate,
                          s.activate(),
                          SWAP_TIMEOUT.multipliedBy(2)),
                      s.minBackoff(),
                      s.maxBackoff()),
                  "trainer");
          if (s.enabled() && !parts.labeledStreams().isEmpty()) {
            recordLabeledStreams(context, parts, live, events);
          }
          Actors actors = new Actors(streams, registry, inbox, trainer);
          return Behaviors.receive(Command.class)
              .onMessage(
                  GetActors.class,
                  g -> {
                    g.replyTo().tell(actors);
                    return Behaviors.same();
                  })
              .onSignal(
                  PostStop.class,
                  stop -> {
                    trainingThread.shutdownNow();
                    return Behaviors.same();
                  })
              .build();
        });
  }
}

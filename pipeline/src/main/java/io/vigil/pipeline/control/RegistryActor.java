package io.vigil.pipeline.control;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.registry.VersionMetadata;
import io.vigil.pipeline.registry.VersionRecord;
import io.vigil.pipeline.stream.SwapReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;

/**
 * The model registry as an actor: the only writer of the registry folder ({@link ModelRegistry}),
 * and the one that decides which version the streams serve.
 *
 * <p>Activation (and rollback, and a publish that activates) is load before unload: the version is
 * loaded from the registry, checked against the slot ({@link ModelRegistry#checkFits}: same input
 * and classes as the serving model, or classes the outputs accept) and run on one image; then the
 * {@link StreamManager} swaps it into every running stream, which tries it on one batch first. Only
 * when that succeeded is the new active version persisted; on any failure the old version keeps
 * serving and the reply says why. One activation runs at a time; commands that arrive meanwhile
 * wait their turn. Spawn it on the blocking dispatcher: loading and publishing read and write
 * files.
 *
 * <p>The actor owns the models it loads and the one it was given to serve: a version swapped out,
 * or a candidate refused, is closed here. Closing only lets go of the owner's hold ({@link
 * Model#close}): a classifier built for the model holds it through its predictor until the pipeline
 * retires it after its last batch, and a fine-tune holds its base while copying it, so the weights
 * go when the last of them is done, never under a batch in flight.
 */
public final class RegistryActor {

  /** What the registry is asked. */
  public sealed interface Command {}

  /** Replies with the model serving now. */
  public record GetServing(ActorRef<Serving> replyTo) implements Command {}

  /** The model serving now (the registry's active version). */
  public record Serving(Model model) {}

  /** Publishes a model; activates it too when {@code activate}. */
  public record Publish(
      Model model, VersionMetadata metadata, boolean activate, ActorRef<Outcome> replyTo)
      implements Command {}

  /** Activates a published version. */
  public record Activate(String version, ActorRef<Outcome> replyTo) implements Command {}

  /** Returns to the version active before the current one. */
  public record Rollback(ActorRef<Outcome> replyTo) implements Command {}

  /** Replies with every version and the active one. */
  public record ListVersions(ActorRef<Versions> replyTo) implements Command {}

  /** The registry's versions, oldest first, and the active one. */
  public record Versions(List<VersionRecord> versions, String active) {}

  /**
   * How a publish, an activation or a rollback went.
   *
   * @param ok whether it did what was asked
   * @param version the version concerned
   * @param message one line saying what happened or why not
   * @param swap the swap into the streams, where one happened
   */
  public record Outcome(boolean ok, String version, String message, SwapReport swap) {
    static Outcome failed(String version, String message) {
      return new Outcome(false, version, message, null);
    }
  }

  /** Looks whether another process (`vigil models activate`) changed the active version. */
  private enum CheckActive implements Command {
    INSTANCE
  }

  /** How an activation made by another process went. */
  private record ExternalOutcome(Outcome outcome) implements Command {}

  private record SwapReplied(
      Model candidate, boolean rollback, StreamManager.SwapResult result, ActorRef<Outcome> replyTo)
      implements Command {}

  private final ActorContext<Command> context;
  private final StashBuffer<Command> stash;
  private final ModelRegistry registry;
  private final Backend backend;
  private final ActorRef<StreamManager.Command> streams;
  private final ActorRef<ControlEvent> events;
  private final List<List<String>> acceptedClassLists;
  private final Duration swapTimeout;
  private Model serving;

  /** The version a swap in flight hands the streams; null when none is. */
  private Model swappingIn;

  /** The active version last seen on disk, so that a refused one is not tried again and again. */
  private String seenOnDisk;

  /** Hears how an activation made by another process went. */
  private final ActorRef<Outcome> externalOutcome;

  private RegistryActor(
      ActorContext<Command> context,
      StashBuffer<Command> stash,
      ModelRegistry registry,
      Model serving,
      Backend backend,
      ActorRef<StreamManager.Command> streams,
      ActorRef<ControlEvent> events,
      List<List<String>> acceptedClassLists,
      Duration swapTimeout) {
    this.context = context;
    this.stash = stash;
    this.registry = registry;
    this.serving = serving;
    this.backend = backend;
    this.streams = streams;
    this.events = events;
    this.acceptedClassLists = acceptedClassLists;
    this.swapTimeout = swapTimeout;
    this.externalOutcome = context.messageAdapter(Outcome.class, ExternalOutcome::new);
  }

  /**
   * A registry actor over {@code registry}, whose active version {@code serving} the streams run
   * now (loaded on {@code backend}, as every version it activates will be).
   *
   * @param watchActive how often to look whether another process changed the registry's active
   *     version ({@code vigil models activate|rollback} while vigil runs) and swap to it; null:
   *     never
   */
  public static Behavior<Command> create(
      ModelRegistry registry,
      Model serving,
      Backend backend,
      ActorRef<StreamManager.Command> streams,
      ActorRef<ControlEvent> events,
      List<List<String>> acceptedClassLists,
      Duration swapTimeout,
      Duration watchActive) {
    return Behaviors.withStash(
        256,
        stash ->
            Behaviors.setup(
                context ->
                    Behaviors.withTimers(
                        timers -> {
                          if (watchActive != null) {
                            timers.startTimerWithFixedDelay(CheckActive.INSTANCE, watchActive);
                          }
                          return new RegistryActor(
                                  context,
                                  stash,
                                  registry,
                                  serving,
                                  backend,
                                  streams,
                                  events,
                                  List.copyOf(acceptedClassLists),
                                  swapTimeout)
                              .ready();
                        })));
  }

  /** Taking commands. */
  private Behavior<Command> ready() {
    return Behaviors.receive(Command.class)
        .onMessage(GetServing.class, this::onGetServing)
        .onMessage(ListVersions.class, this::onList)
        .onMessage(Publish.class, this::onPublish)
        .onMessage(Activate.class, a -> activate(a.version(), false, a.replyTo()))
        .onMessage(Rollback.class, this::onRollback)
        .onMessageEquals(CheckActive.INSTANCE, this::onCheckActive)
        .onMessage(ExternalOutcome.class, this::onExternalOutcome)
        .onSignal(PostStop.class, this::onStop)
        .build();
  }

  /** A swap in the streams is under way; everything else waits. */
  private Behavior<Command> swapping() {
    return Behaviors.receive(Command.class)
        .onMessage(SwapReplied.class, this::onSwapReplied)
        .onMessage(GetServing.class, this::onGetServing)
        .onMessage(ListVersions.class, this::onList)
        .onMessageEquals(CheckActive.INSTANCE, Behaviors::same)
        .onAnyMessage(
            m -> {
              if (stash.isFull()) {
                context.getLog().warn("registry: too many commands waiting; dropped {}", m);
              } else {
                stash.stash(m);
              }
              return Behaviors.same();
            })
        .onSignal(PostStop.class, this::onStop)
        .build();
  }

  /**
   * The registry owns the model it serves and the one it is swapping in: it lets go of both when it
   * stops. Classifiers that still run hold what they use ({@link Model#hold}), so the weights go
   * when the last of them lets go.
   */
  private Behavior<Command> onStop(PostStop stop) {
    serving.close();
    if (swappingIn != null) {
      swappingIn.close();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onGetServing(GetServing get) {
    get.replyTo().tell(new Serving(serving));
    return Behaviors.same();
  }

  private Behavior<Command> onList(ListVersions list) {
    list.replyTo().tell(new Versions(registry.list(), registry.active().orElse(null)));
    return Behaviors.same();
  }

  private Behavior<Command> onPublish(Publish publish) {
    VersionRecord record;
    try {
      record = registry.publish(publish.model(), publish.metadata());
    } catch (Exception e) {
      publish
          .replyTo()
          .tell(
              Outcome.failed(
                  publish.model().version(),
                  "cannot publish " + publish.model().version() + ": " + Trainer.describe(e)));
      return Behaviors.same();
    }
    events.tell(
        new ControlEvent.VersionPublished(Instant.now(), record.version(), record.parentVersion()));
    if (!publish.activate()) {
      publish
          .replyTo()
          .tell(new Outcome(true, record.version(), "published " + record.version(), null));
      return Behaviors.same();
    }
    return activate(record.version(), false, publish.replyTo());
  }

  private Behavior<Command> onCheckActive() {
    Optional<String> onDisk;
    try {
      onDisk = registry.active();
    } catch (RuntimeException e) {
      context.getLog().warn("registry: cannot read the active version: {}", Trainer.describe(e));
      return Behaviors.same();
    }
    if (onDisk.isEmpty()
        || onDisk.get().equals(serving.version())
        || onDisk.get().equals(seenOnDisk)) {
      return Behaviors.same();
    }
    seenOnDisk = onDisk.get();
    context
        .getLog()
        .info("registry: {} was made active outside this process; swapping to it", seenOnDisk);
    return activate(seenOnDisk, false, externalOutcome);
  }

  /**
   * A version another process made active that could not be swapped in: the record goes back to the
   * version that serves, so that it tells the truth and a restart comes back on that one.
   */
  private Behavior<Command> onExternalOutcome(ExternalOutcome external) {
    if (external.outcome().ok()) {
      return Behaviors.same();
    }
    try {
      registry.setActive(serving.version());
      context
          .getLog()
          .warn(
              "registry: {}; {} is recorded as active again",
              external.outcome().message(),
              serving.version());
    } catch (Exception e) {
      context
          .getLog()
          .error(
              "registry: {}, and {} could not be recorded as active again: {}",
              external.outcome().message(),
              serving.version(),
              Trainer.describe(e));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRollback(Rollback rollback) {
    Optional<String> target = registry.rollbackTarget();
    if (target.isEmpty()) {
      rollback
          .replyTo()
          .tell(
              Outcome.failed(
                  serving.version(),
                  "nothing to roll back to: "
                      + serving.version()
                      + " is the first active version"));
      return Behaviors.same();
    }
    return activate(target.get(), true, rollback.replyTo());
  }

  /** Loads, checks and tries {@code version}, then has the streams swap to it. */
  private Behavior<Command> activate(String version, boolean rollback, ActorRef<Outcome> replyTo) {
    if (version.equals(serving.version()) && !rollback) {
      replyTo.tell(new Outcome(true, version, version + " is already active", null));
      return Behaviors.same();
    }
    Model candidate;
    try {
      candidate = registry.load(version, backend);
    } catch (Exception e) {
      return refused(version, e, replyTo);
    }
    try {
      ModelRegistry.checkFits(candidate, serving, acceptedClassLists);
      ModelRegistry.verifyRuns(candidate);
    } catch (Exception e) {
      candidate.close();
      return refused(version, e, replyTo);
    }
    swappingIn = candidate;
    context.ask(
        StreamManager.SwapResult.class,
        streams,
        swapTimeout,
        r -> new StreamManager.Swap(candidate, r),
        (result, failure) ->
            new SwapReplied(
                candidate,
                rollback,
                result != null
                    ? result
                    : new StreamManager.SwapResult(
                        null, "the streams did not swap within " + swapTimeout + ": " + failure),
                replyTo));
    return swapping();
  }

  private Behavior<Command> refused(String version, Exception e, ActorRef<Outcome> replyTo) {
    String why = Trainer.describe(e);
    events.tell(new ControlEvent.SwapRefused(Instant.now(), version, why));
    replyTo.tell(Outcome.failed(version, "not activated " + version + ": " + why));
    return Behaviors.same();
  }

  private Behavior<Command> onSwapReplied(SwapReplied replied) {
    Model candidate = replied.candidate();
    swappingIn = null;
    StreamManager.SwapResult result = replied.result();
    if (result.error() != null) {
      // Not serving: the registry lets go. A classifier the streams built for it before the
      // failure holds it until it is closed.
      candidate.close();
      events.tell(new ControlEvent.SwapRefused(Instant.now(), candidate.version(), result.error()));
      replied
          .replyTo()
          .tell(
              Outcome.failed(
                  candidate.version(),
                  "not activated " + candidate.version() + ": " + result.error()));
      return stash.unstashAll(ready());
    }
    try {
      if (replied.rollback()) {
        registry.rollBack();
      } else {
        registry.setActive(candidate.version());
      }
    } catch (Exception e) {
      // The streams already run the new version: say that the record of it could not be kept.
      context
          .getLog()
          .error(
              "registry: {} serves now but could not be recorded as active: {}",
              candidate.version(),
              Trainer.describe(e));
    }
    Model old = serving;
    String from = old.version();
    serving = candidate;
    // Swapped out: its classifiers' predictors hold it until their last batch is done.
    old.close();
    SwapReport report =
        result.report() != null
            ? result.report()
            : new SwapReport(from, candidate.version(), 0, 0, 0);
    events.tell(new ControlEvent.Swapped(Instant.now(), report));
    replied
        .replyTo()
        .tell(
            new Outcome(
                true,
                candidate.version(),
                (replied.rollback() ? "rolled back to " : "activated ") + candidate.version(),
                result.report()));
    return stash.unstashAll(ready());
  }
}

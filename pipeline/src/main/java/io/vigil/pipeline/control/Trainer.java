package io.vigil.pipeline.control;

import io.vigil.engine.model.Model;
import io.vigil.engine.train.FineTuneResult;
import io.vigil.engine.train.GateVerdict;
import io.vigil.pipeline.registry.VersionMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The trainer: asks the {@link ClipInbox} for labeled clips, fine-tunes a copy of the serving model
 * on them ({@link Retraining}, on a thread of its own, never the actor's), and when the gate passes
 * asks the {@link RegistryActor} to publish the candidate and, if so configured, activate it.
 *
 * <p>Supervised ({@link #supervised}): a failed training (an exception, a diverging loss, an
 * out-of-memory, a clip that broke the decoder) is logged with why, its clips go back to the inbox
 * (which sets a clip aside after too many failures), and the actor throws {@link TrainerFailure} so
 * that its supervisor restarts it after a backoff that grows with repeated failures. Inference
 * never waits on the trainer: the streams keep the model they have until a swap succeeds.
 *
 * <p>A restart or stop abandons the run in progress (its pacer is cancelled); a result that a run
 * of an earlier incarnation still delivers is ignored.
 */
public final class Trainer {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Trainer.class);

  /** What the trainer is told; all of it by itself and its helpers. */
  public sealed interface Command {}

  private record WorkArrived(List<Path> clips) implements Command {}

  private record BaseReady(List<Path> clips, Model base) implements Command {}

  private record RunFinished(Object incarnation, List<Path> clips, Retraining.Outcome outcome)
      implements Command {}

  private record RunFailed(Object incarnation, List<Path> clips, Throwable error)
      implements Command {}

  private record PublishReplied(RegistryActor.Outcome outcome) implements Command {}

  /** How the trainer works: where it takes clips from, where it publishes, on which thread. */
  public record Setup(
      ActorRef<ClipInbox.Command> inbox,
      ActorRef<RegistryActor.Command> registry,
      ActorRef<ControlEvent> events,
      Retraining retraining,
      Executor trainingThread,
      YieldGate gate,
      boolean activate,
      Duration publishTimeout) {}

  private final ActorContext<Command> context;
  private final Setup setup;

  /** Tells results of this incarnation's runs from those of runs abandoned by a restart. */
  private final Object incarnation = new Object();

  private final ActorRef<ClipInbox.Work> workAdapter;
  private YieldGate.JobPacer running;

  private Trainer(ActorContext<Command> context, Setup setup) {
    this.context = context;
    this.setup = setup;
    this.workAdapter =
        context.messageAdapter(ClipInbox.Work.class, w -> new WorkArrived(w.clips()));
  }

  /** The trainer without its supervisor (tests drive it directly). */
  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(
        context -> {
          Trainer trainer = new Trainer(context, setup);
          trainer.askForWork();
          return trainer.idle();
        });
  }

  /**
   * The trainer under its supervisor: restarted after {@code minBackoff}, doubling up to {@code
   * maxBackoff}, whenever a training fails.
   */
  public static Behavior<Command> supervised(
      Setup setup, Duration minBackoff, Duration maxBackoff) {
    return Behaviors.supervise(create(setup))
        .onFailure(
            TrainerFailure.class,
            SupervisorStrategy.restartWithBackoff(minBackoff, maxBackoff, 0.2)
                .withResetBackoffAfter(maxBackoff.multipliedBy(4))
                // The trainer logs the failure in one line itself; no stack trace for an
                // expected failure.
                .withLoggingEnabled(false));
  }

  private void askForWork() {
    setup.inbox().tell(new ClipInbox.RequestWork(workAdapter));
  }

  /** Waiting for clips. */
  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessage(WorkArrived.class, this::onWork)
        .onMessage(BaseReady.class, this::onBaseReady)
        .onMessage(RunFinished.class, this::staleOrUnexpected)
        .onMessage(RunFailed.class, this::staleOrUnexpected)
        .onMessage(PublishReplied.class, p -> Behaviors.same())
        .onSignal(PreRestart.class, s -> abandon())
        .onSignal(PostStop.class, s -> abandon())
        .build();
  }

  private Behavior<Command> onWork(WorkArrived work) {
    context.ask(
        RegistryActor.Serving.class,
        setup.registry(),
        setup.publishTimeout(),
        RegistryActor.GetServing::new,
        (serving, failure) -> {
          if (serving == null || serving.model() == null) {
            String why = failure != null ? failure.toString() : "no model is serving";
            return new RunFailed(
                incarnation,
                work.clips(),
                new IllegalStateException("cannot find the model to fine-tune: " + why));
          }
          return new BaseReady(work.clips(), serving.model());
        });
    return Behaviors.same();
  }

  private Behavior<Command> onBaseReady(BaseReady ready) {
    List<Path> clips = ready.clips();
    Model base = ready.base();
    setup.events().tell(new ControlEvent.TrainingStarted(Instant.now(), clips, base.version()));
    YieldGate.JobPacer pacer = setup.gate().pacer();
    running = pacer;
    Object me = incarnation;
    CompletableFuture<Retraining.Outcome> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return setup.retraining().retrain(base, clips, pacer);
              } catch (RuntimeException e) {
                throw e;
              } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            },
            setup.trainingThread());
    context.pipeToSelf(
        run,
        (outcome, failure) ->
            failure != null
                ? new RunFailed(me, clips, unwrap(failure))
                : new RunFinished(me, clips, outcome));
    return training();
  }

  /** A run in progress. */
  private Behavior<Command> training() {
    return Behaviors.receive(Command.class)
        .onMessage(RunFinished.class, this::onRunFinished)
        .onMessage(RunFailed.class, this::onRunFailed)
        .onMessage(WorkArrived.class, this::unexpectedWork)
        .onSignal(PreRestart.class, s -> abandon())
        .onSignal(PostStop.class, s -> abandon())
        .build();
  }

  private Behavior<Command> onRunFinished(RunFinished done) {
    if (done.incarnation() != incarnation) {
      return Behaviors.same();
    }
    if (running != null) {
      running.finished();
    }
    running = null;
    Retraining.Outcome outcome = done.outcome();
    for (Retraining.Rejected r : outcome.rejected()) {
      setup.inbox().tell(new ClipInbox.Reject(r.clip(), r.reason()));
    }
    setup.inbox().tell(new ClipInbox.Finished(outcome.used()));
    FineTuneResult result = outcome.result();
    if (result == null) {
      askForWork();
      return idle();
    }
    GateVerdict verdict = result.verdict();
    setup
        .events()
        .tell(
            new ControlEvent.GateDecided(
                Instant.now(),
                result.candidate().version(),
                verdict,
                result.newImages(),
                result.replayedImages(),
                result.training().elapsed().toMillis() / 1000.0));
    if (!verdict.passed()) {
      askForWork();
      return idle();
    }
    context.ask(
        RegistryActor.Outcome.class,
        setup.registry(),
        setup.publishTimeout(),
        replyTo ->
            new RegistryActor.Publish(
                result.candidate(), metadata(result, outcome.used()), setup.activate(), replyTo),
        (reply, failure) ->
            new PublishReplied(
                reply != null
                    ? reply
                    : RegistryActor.Outcome.failed(
                        result.candidate().version(), "publishing failed: " + failure)));
    return publishing();
  }

  /** Waiting for the registry to publish (and activate) the candidate. */
  private Behavior<Command> publishing() {
    return Behaviors.receive(Command.class)
        .onMessage(
            PublishReplied.class,
            p -> {
              if (!p.outcome().ok()) {
                log.warn("trainer: {}", p.outcome().message());
              }
              askForWork();
              return idle();
            })
        .onMessage(WorkArrived.class, this::unexpectedWork)
        .onSignal(PostStop.class, s -> Behaviors.same())
        .build();
  }

  private Behavior<Command> onRunFailed(RunFailed failed) {
    if (failed.incarnation() != incarnation) {
      return Behaviors.same();
    }
    if (running != null) {
      running.finished();
    }
    running = null;
    Throwable error = failed.error();
    String reason = describe(error);
    log.warn("trainer: training on {} clip(s) failed: {}", failed.clips().size(), reason);
    setup.events().tell(new ControlEvent.TrainingFailed(Instant.now(), reason));
    setup.inbox().tell(new ClipInbox.Failed(failed.clips(), reason));
    throw new TrainerFailure("training failed: " + reason, error);
  }

  private Behavior<Command> staleOrUnexpected(Command message) {
    // Only a run abandoned by an earlier incarnation can still report here: ignore it.
    return Behaviors.same();
  }

  private Behavior<Command> unexpectedWork(WorkArrived work) {
    // The inbox gives work only to a trainer that asked; give it back rather than lose it.
    setup.inbox().tell(new ClipInbox.Failed(work.clips(), "trainer was busy"));
    return Behaviors.same();
  }

  private Behavior<Command> abandon() {
    if (running != null) {
      running.cancel();
      running = null;
    }
    return Behaviors.same();
  }

  private static VersionMetadata metadata(FineTuneResult result, List<Path> clips) {
    GateVerdict v = result.verdict();
    Map<String, Double> figures = new LinkedHashMap<>();
    figures.put("new_scene_before", v.newBefore());
    figures.put("new_scene_after", v.newAfter());
    figures.put("original_before", v.originalBefore());
    figures.put("original_after", v.originalAfter());
    StringBuilder data = new StringBuilder();
    for (Path clip : clips) {
      data.append(data.length() == 0 ? "" : ", ").append(clip.getFileName());
    }
    return new VersionMetadata(
        result.candidate().provenance().parentVersion(),
        data
            + String.format(java.util.Locale.ROOT, " (%d frames", result.newImages())
            + String.format(java.util.Locale.ROOT, ", %d replayed)", result.replayedImages()),
        figures,
        v.reason());
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** One line for a failure: out-of-memory named as such, else the message or the type. */
  static String describe(Throwable t) {
    if (t instanceof OutOfMemoryError) {
      return "out of memory in training (" + t.getMessage() + ")";
    }
    String message = t.getMessage();
    return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
  }
}

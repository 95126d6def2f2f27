package io.vigil.pipeline.control;

import io.vigil.engine.model.Model;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import io.vigil.pipeline.stream.SwapReport;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The stream manager: owns the running streams of the real-time pipeline (add, remove, list), swaps
 * new model versions into them for the {@link RegistryActor}, and keeps training off the CPU while
 * real time needs it.
 *
 * <p>Every {@code checkInterval} it reads the latency of the latest results; above {@code
 * pauseAbove} it closes the {@link YieldGate} (training waits before its next batch), below {@code
 * resumeBelow} it opens it again. The gap between the two keeps it from flapping.
 */
public final class StreamManager {

  /** What the stream manager is asked. */
  public sealed interface Command {}

  /** Starts a stream. */
  public record Add(SourceSpec spec, ActorRef<Reply> replyTo) implements Command {}

  /** Stops a stream. */
  public record Remove(String id, ActorRef<Reply> replyTo) implements Command {}

  /** Whether an add or remove was done, and if not why. */
  public record Reply(boolean ok, String message) {}

  /** Replies with the ids of the streams running now. */
  public record ListStreams(ActorRef<Set<String>> replyTo) implements Command {}

  /** Replies with the pipeline's counters. */
  public record GetMetrics(ActorRef<PipelineMetrics> replyTo) implements Command {}

  /** Swaps {@code model} into every stream (load before unload). */
  public record Swap(Model model, ActorRef<SwapResult> replyTo) implements Command {}

  /** The swap's report, or why it did not happen (then the old model still serves). */
  public record SwapResult(SwapReport report, String error) {}

  /** Replies with the final counters of the streams that have ended, by id. */
  public record GetEnded(ActorRef<Map<String, StreamMetrics>> replyTo) implements Command {}

  private record StreamEnded(String id, StreamMetrics metrics, String failure) implements Command {}

  private record SwapDone(SwapResult result, ActorRef<SwapResult> replyTo) implements Command {}

  private enum CheckLoad implements Command {
    INSTANCE
  }

  /** When training yields to real time. */
  public record Yield(Duration checkInterval, double pauseAboveMillis, double resumeBelowMillis) {
    public Yield {
      if (!(resumeBelowMillis < pauseAboveMillis)) {
        throw new IllegalArgumentException(
            "training yield: resume-below ("
                + resumeBelowMillis
                + " ms) must be under pause-above ("
                + pauseAboveMillis
                + " ms)");
      }
    }
  }

  private final ActorContext<Command> context;
  private final LiveStreams live;
  private final YieldGate gate;
  private final Yield yield;
  private final ActorRef<ControlEvent> events;
  private final Map<String, StreamMetrics> ended = new LinkedHashMap<>();

  private StreamManager(
      ActorContext<Command> context,
      LiveStreams live,
      YieldGate gate,
      Yield yield,
      ActorRef<ControlEvent> events) {
    this.context = context;
    this.live = live;
    this.gate = gate;
    this.yield = yield;
    this.events = events;
  }

  /** A manager of {@code live}'s streams that starts {@code initial} at once. */
  public static Behavior<Command> create(
      LiveStreams live,
      List<SourceSpec> initial,
      YieldGate gate,
      Yield yield,
      ActorRef<ControlEvent> events) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  StreamManager manager = new StreamManager(context, live, gate, yield, events);
                  for (SourceSpec spec : initial) {
                    manager.start(spec);
                  }
                  timers.startTimerWithFixedDelay(CheckLoad.INSTANCE, yield.checkInterval());
                  return manager.behavior();
                }));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Add.class, this::onAdd)
        .onMessage(Remove.class, this::onRemove)
        .onMessage(ListStreams.class, l -> reply(l.replyTo(), live.streams()))
        .onMessage(GetMetrics.class, g -> reply(g.replyTo(), live.metrics()))
        .onMessage(GetEnded.class, g -> reply(g.replyTo(), Map.copyOf(ended)))
        .onMessage(StreamEnded.class, this::onEnded)
        .onMessage(Swap.class, this::onSwap)
        .onMessage(SwapDone.class, d -> reply(d.replyTo(), d.result()))
        .onMessageEquals(CheckLoad.INSTANCE, this::onCheckLoad)
        .build();
  }

  private static <T> Behavior<Command> reply(ActorRef<T> to, T value) {
    to.tell(value);
    return Behaviors.same();
  }

  /** Starts a stream and has its end reported here. */
  private void start(SourceSpec spec) {
    String id = spec.id();
    context.pipeToSelf(
        live.add(spec),
        (metrics, failure) ->
            new StreamEnded(id, metrics, failure == null ? null : Trainer.describe(failure)));
  }

  private Behavior<Command> onAdd(Add add) {
    try {
      start(add.spec());
      add.replyTo().tell(new Reply(true, "stream " + add.spec().id() + " started"));
    } catch (IllegalArgumentException e) {
      add.replyTo().tell(new Reply(false, e.getMessage()));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRemove(Remove remove) {
    try {
      live.remove(remove.id());
      remove.replyTo().tell(new Reply(true, "stream " + remove.id() + " stopping"));
    } catch (IllegalArgumentException e) {
      remove.replyTo().tell(new Reply(false, e.getMessage()));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onEnded(StreamEnded e) {
    if (e.failure() != null) {
      context.getLog().warn("stream {} ended with: {}", e.id(), e.failure());
    }
    if (e.metrics() != null) {
      ended.put(e.id(), e.metrics());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onSwap(Swap swap) {
    context.pipeToSelf(
        live.swap(swap.model()),
        (report, failure) ->
            new SwapDone(
                failure == null
                    ? new SwapResult(report, null)
                    : new SwapResult(null, Trainer.describe(unwrap(failure))),
                swap.replyTo()));
    return Behaviors.same();
  }

  private Behavior<Command> onCheckLoad() {
    double p99 = live.recentLatencyP99Millis();
    // The gate follows the latency whether or not a training runs (one that starts meets it in
    // the right state); only a training that runs hears about it.
    if (!gate.isClosed() && p99 > yield.pauseAboveMillis()) {
      gate.close();
      if (gate.training()) {
        events.tell(new ControlEvent.TrainerYield(Instant.now(), true, p99));
      }
    } else if (gate.isClosed() && (Double.isNaN(p99) || p99 < yield.resumeBelowMillis())) {
      gate.open();
      if (gate.training()) {
        events.tell(new ControlEvent.TrainerYield(Instant.now(), false, p99));
      }
    }
    return Behaviors.same();
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}

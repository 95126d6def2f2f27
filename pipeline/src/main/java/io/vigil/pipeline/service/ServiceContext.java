package io.vigil.pipeline.service;

import com.typesafe.config.Config;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.train.TrainingListener;
import io.vigil.pipeline.control.ControlEvent;
import io.vigil.pipeline.control.ControlPlane;
import io.vigil.pipeline.control.LiveStreams;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.realtime.StreamLabels;
import io.vigil.pipeline.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * What the routes of the service work with: the control plane's actors (every change goes through
 * them), the data plane seen read-only (metrics, and taps for frames and results), and the journal
 * of control events.
 *
 * @param system the actor system the control plane and the server run on
 * @param actors the stream manager, registry, clip inbox and trainer
 * @param live the running streams: metrics, ids, frame and result taps (taps are additive)
 * @param journal every control event so far, in order (read-only here)
 * @param registry the model registry, read directly for listings (only its actor writes)
 * @param settings how the service listens and its limits
 * @param streamSpecs reads a stream added through the API, as an entry of {@code vigil.run.streams}
 *     is read (relative paths, default preprocessing)
 * @param labels the streams whose true labels are known (accuracy over time)
 * @param input the serving model's input contract (kept across swaps)
 * @param classNames the serving model's classes, in index order (kept across swaps)
 * @param acceptedClassLists class lists the outputs accept besides the serving model's
 * @param inbox the retraining inbox uploads go to, or null when retraining is off
 * @param training listeners told of the trainer's progress (epochs); add to it, once per listener
 */
public record ServiceContext(
    ActorSystem<?> system,
    ControlPlane.Actors actors,
    LiveStreams live,
    List<ControlEvent> journal,
    ModelRegistry registry,
    ServeSettings settings,
    Function<Config, SourceSpec> streamSpecs,
    Map<String, StreamLabels> labels,
    InputContract input,
    List<String> classNames,
    List<List<String>> acceptedClassLists,
    Path inbox,
    List<TrainingListener> training) {

  public ServiceContext {
    journal = java.util.Collections.unmodifiableList(journal);
    labels = Map.copyOf(labels);
    classNames = List.copyOf(classNames);
    acceptedClassLists = List.copyOf(acceptedClassLists);
  }

  /**
   * Asks {@code actor} with the service's timeout; fails with a timeout the handler turns to 503.
   */
  public <Q, A> CompletionStage<A> ask(ActorRef<Q> actor, Function<ActorRef<A>, Q> question) {
    return AskPattern.ask(actor, question::apply, settings.askTimeout(), system.scheduler());
  }

  /**
   * Where blocking work of a request runs (reading uploads, loading models): not the server's
   * threads.
   */
  public java.util.concurrent.Executor blocking() {
    return system
        .dispatchers()
        .lookup(
            org.apache.pekko.actor.typed.DispatcherSelector.fromConfig(
                io.vigil.pipeline.stream.DecoderSource.BLOCKING_DISPATCHER));
  }
}

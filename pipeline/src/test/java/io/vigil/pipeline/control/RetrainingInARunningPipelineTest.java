package io.vigil.pipeline.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.model.Model;
import io.vigil.engine.train.FineTuneResult;
import io.vigil.engine.train.GateVerdict;
import io.vigil.engine.train.TrainingResult;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.realtime.RealtimePipeline;
import io.vigil.pipeline.realtime.RealtimeSettings;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.video.ClipMaker;
import io.vigil.pipeline.video.ClipSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane over a real real-time pipeline: trainings that fail in each way a training
 * fails (an exception, a diverging loss, an out-of-memory, a clip that breaks the decoder) restart
 * the trainer while the stream goes on untouched; the next try passes the gate, and the new version
 * is swapped in between batches: every frame comes out once, the versions switch once, the summary
 * lists both with their frame ranges.
 */
class RetrainingInARunningPipelineTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void failedTrainingsLeaveTheStreamAloneAndTheNextTrySwapsInWithNoFrameLost() throws Exception {
    Path clip = dir.resolve("scene.mp4");
    ClipMaker.fashionMnist(FashionMnist.DEFAULT_DIR, ClipMaker.Split.TEST)
        .make(
            ClipSpec.builder().setItems(300).optFramesPerItem(2).optScale(28).optFps(100).build(),
            clip,
            ClipMaker.Progress.NONE);
    Model base = TestModels.shipped();
    Model candidate = TestModels.untrained();
    ModelRegistry registry = ModelRegistry.open(dir.resolve("registry"));
    registry.importFile(TestModels.SHIPPED);
    registry.setActive(base.version());

    Config config =
        ConfigFactory.empty()
            .withValue("vigil.retrain.backoff.min", ConfigValueFactory.fromAnyRef("100ms"))
            .withValue("vigil.retrain.backoff.max", ConfigValueFactory.fromAnyRef("400ms"))
            .withValue("vigil.retrain.max-attempts", ConfigValueFactory.fromAnyRef(10))
            .withFallback(ConfigFactory.load())
            .resolve();
    RetrainSettings settings = RetrainSettings.from(config, Path::of);
    // The clip plays at 100 fps, faster than real time; no frame is shed if the machine lags.
    RealtimeSettings live = RealtimeSettings.from(config).withMaxSourceLag(Duration.ZERO);
    AtomicInteger attempts = new AtomicInteger();
    Retraining retraining =
        (model, clips, pacer) -> {
          switch (attempts.incrementAndGet()) {
            case 1 -> throw new IllegalArgumentException("bad batch shape");
            case 2 -> throw new IllegalStateException("training diverged in epoch 1: loss is NaN");
            case 3 -> throw new OutOfMemoryError("Java heap space");
            case 4 ->
                throw new java.io.UncheckedIOException(
                    "night.mp4: decoder failed", new java.io.IOException("corrupt packet"));
            default -> {}
          }
          return new Retraining.Outcome(
              new FineTuneResult(
                  candidate,
                  new GateVerdict(true, 0.1, 0.9, 0.91, 0.91, "passes"),
                  new TrainingResult(0.9, 0.3, Duration.ofSeconds(1), 1, new int[10][10]),
                  100,
                  100),
              clips,
              List.of());
        };
    CompletableFuture<RealtimePipeline> started = new CompletableFuture<>();
    CopyOnWriteArrayList<ControlEvent> journal = new CopyOnWriteArrayList<>();
    Path results = dir.resolve("results");
    ControlPlane.Parts parts =
        new ControlPlane.Parts(
            system -> {
              RealtimePipeline p =
                  RealtimePipeline.start(
                      system,
                      live,
                      new EngineClassifier(base, live.maxBatch(), live.topK()),
                      base.input(),
                      results);
              started.complete(p);
              return new RealtimeStreams(p);
            },
            List.of(SourceSpec.file("cam", clip, 100, false)),
            registry,
            base,
            CpuBackend.shared(),
            retraining,
            settings,
            journal,
            java.util.Map.of(),
            List.of());
    ActorSystem<ControlPlane.Command> system =
        ActorSystem.create(ControlPlane.create(parts), "vigil-test", config);
    ActorTestKit kit = ActorTestKit.create(system);
    try {
      RealtimePipeline pipeline = started.get(30, TimeUnit.SECONDS);
      ControlPlane.Actors actors = ControlPlane.started(system, Duration.ofSeconds(10));
      TestProbe<Object> wait = kit.createTestProbe();
      // The clips arrive once the stream is under way, so that both versions classify frames.
      wait.awaitAssert(
          Duration.ofSeconds(30),
          () -> {
            assertTrue(pipeline.metrics().framesOut() >= 100, "frames out before the clips");
            return null;
          });
      actors.inbox().tell(new ClipInbox.Submit(dir.resolve("night.mp4")));
      wait.awaitAssert(
          Duration.ofSeconds(30),
          () -> {
            assertTrue(
                journal.stream().anyMatch(e -> e instanceof ControlEvent.Swapped),
                "swapped: " + journal);
            return null;
          });
      wait.awaitAssert(
          Duration.ofSeconds(30),
          () -> {
            assertTrue(pipeline.streams().isEmpty(), "the clip has ended");
            return null;
          });
      pipeline.stop(Duration.ofSeconds(10));

      assertEquals(5, attempts.get(), "four failed trainings, then one that passed");
      assertEquals(
          4, EventJournal.only(journal, ControlEvent.TrainingFailed.class).size(), "" + journal);
      List<Class<?>> kinds = new ArrayList<>();
      journal.forEach(e -> kinds.add(e.getClass()));
      int failed = kinds.indexOf(ControlEvent.TrainingFailed.class);
      int swapped = kinds.indexOf(ControlEvent.Swapped.class);
      assertTrue(failed >= 0 && failed < swapped, "failure before the swap: " + journal);
      assertEquals(
          candidate.version(), ModelRegistry.open(dir.resolve("registry")).active().orElseThrow());

      List<JsonNode> lines = new ArrayList<>();
      for (String line : Files.readAllLines(results.resolve("cam.jsonl"))) {
        lines.add(JSON.readTree(line));
      }
      assertEquals(600, lines.size(), "every frame once");
      int switches = 0;
      for (int i = 0; i < lines.size(); i++) {
        assertEquals(i, lines.get(i).get("frame").asInt(), "frames in order, none lost");
        if (i > 0 && !lines.get(i).get("model").equals(lines.get(i - 1).get("model"))) {
          switches++;
          assertEquals(candidate.version(), lines.get(i).get("model").asText());
        }
      }
      assertEquals(base.version(), lines.get(0).get("model").asText());
      assertEquals(1, switches, "the version switches once");
      JsonNode summary = JSON.readTree(results.resolve("cam.summary.json").toFile());
      assertEquals(switches + 1, summary.get("versions").size(), summary.toString());
    } finally {
      kit.shutdownTestKit();
    }
  }
}

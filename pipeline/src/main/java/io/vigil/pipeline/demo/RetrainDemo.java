package io.vigil.pipeline.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.model.Model;
import io.vigil.engine.train.TrainingListener;
import io.vigil.pipeline.control.ClipRetraining;
import io.vigil.pipeline.control.ControlEvent;
import io.vigil.pipeline.control.ControlPlane;
import io.vigil.pipeline.control.RealtimeStreams;
import io.vigil.pipeline.control.RetrainSettings;
import io.vigil.pipeline.realtime.RealtimePipeline;
import io.vigil.pipeline.realtime.RealtimeSettings;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.stream.EngineWarmUp;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.video.LabelSidecar;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The whole story on what ships in the repository: live streams of a clip whose scene changes
 * (inverted, as a camera at night might see it) are classified in real time; accuracy falls;
 * labeled clips of the new scene arrive in the inbox; the trainer fine-tunes under supervision, the
 * gate passes, the new version is swapped into every stream; accuracy comes back, with no frame
 * lost. Prints the control plane's events as they happen and a status line every few seconds, then
 * the figures; writes each stream's results, a chart and a summary under the output folder.
 */
public final class RetrainDemo {

  /**
   * What the demo runs on.
   *
   * @param model the model serving at the start
   * @param streamClip the live clip (with its labels sidecar), its scene changing at {@code
   *     changeAtFrame}
   * @param fps the rate the clip is played at
   * @param labeledClips the labeled clips of the changed scene that arrive in the inbox
   * @param replay earlier data replayed while fine-tuning (see {@code vigil.retrain.replay})
   * @param originalTest the gate's original test data
   */
  public record Inputs(
      Path model,
      Path streamClip,
      int changeAtFrame,
      double fps,
      List<Path> labeledClips,
      List<String> replay,
      List<String> originalTest) {}

  /**
   * How the demo runs.
   *
   * @param streams how many cameras play the clip
   * @param clipsAfterChange how long after the scene change the labeled clips arrive
   * @param afterSwap how long the demo goes on after the swap
   * @param limit the longest the demo runs, swap or not
   * @param deliverClips whether the labeled clips arrive at all (false: a baseline run without
   *     training, for the latency figures)
   */
  public record Plan(
      int streams,
      Duration clipsAfterChange,
      Duration afterSwap,
      Duration limit,
      boolean deliverClips) {}

  private static final int ROLLING_SECONDS = 5;
  private static final Duration STATUS_EVERY = Duration.ofSeconds(5);

  private RetrainDemo() {}

  /** Runs the demo; returns its figures (also written to {@code outDir/summary.json}). */
  public static DemoReport run(
      Config config,
      Inputs in,
      Plan plan,
      Path outDir,
      Function<String, Path> resolve,
      PrintWriter out)
      throws Exception {
    Path registryDir = outDir.resolve("registry");
    Path inbox = outDir.resolve("inbox");
    Path results = outDir.resolve("streams");
    for (Path p : List.of(registryDir, inbox, results)) {
      deleteTree(p);
    }
    ModelRegistry registry = ModelRegistry.open(registryDir);
    String base = registry.importFile(in.model()).version();
    registry.setActive(base);
    Model serving = registry.load(base, CpuBackend.shared());

    Config demoConfig =
        ConfigFactory.empty()
            .withValue("vigil.retrain.enabled", ConfigValueFactory.fromAnyRef(true))
            .withValue("vigil.retrain.inbox", ConfigValueFactory.fromAnyRef(inbox.toString()))
            .withValue("vigil.retrain.poll-interval", ConfigValueFactory.fromAnyRef("500ms"))
            .withValue("vigil.retrain.replay", ConfigValueFactory.fromIterable(in.replay()))
            .withValue(
                "vigil.retrain.original-test", ConfigValueFactory.fromIterable(in.originalTest()))
            .withFallback(config);
    RetrainSettings settings = RetrainSettings.from(demoConfig, resolve);
    RealtimeSettings live = RealtimeSettings.from(demoConfig);
    List<String> truth = truth(in.streamClip(), serving.classNames());
    EngineWarmUp.run(serving, live.maxBatch());

    List<SourceSpec> cameras = new ArrayList<>();
    for (int i = 1; i <= plan.streams(); i++) {
      cameras.add(SourceSpec.file("cam-" + i, in.streamClip(), in.fps(), false));
    }
    java.util.concurrent.CompletableFuture<RealtimePipeline> started =
        new java.util.concurrent.CompletableFuture<>();
    AtomicReference<RealtimePipeline> pipeline = new AtomicReference<>();
    CopyOnWriteArrayList<ControlEvent> journal = new CopyOnWriteArrayList<>();
    ControlPlane.Parts parts =
        new ControlPlane.Parts(
            system -> {
              try {
                RealtimePipeline p =
                    RealtimePipeline.start(
                        system,
                        live,
                        new EngineClassifier(serving, live.maxBatch(), live.topK()),
                        serving.input(),
                        results);
                pipeline.set(p);
                started.complete(p);
                return new RealtimeStreams(p);
              } catch (RuntimeException e) {
                started.completeExceptionally(e);
                throw e;
              }
            },
            cameras,
            registry,
            serving,
            CpuBackend.shared(),
            new ClipRetraining(settings, resolve, TrainingListener.silent()),
            settings,
            journal,
            java.util.Map.of(),
            List.of());

    out.printf(
        Locale.ROOT,
        "vigil demo: %d cameras play %s at %.0f fps with %s; the scene changes at %.0f s;%n"
            + "  labeled clips of the new scene arrive %d s later; results, chart and summary go"
            + " to %s%n",
        plan.streams(),
        in.streamClip().getFileName(),
        in.fps(),
        base,
        in.changeAtFrame() / in.fps(),
        plan.clipsAfterChange().toSeconds(),
        outDir);
    out.flush();
    long start = System.currentTimeMillis();
    DemoTimeline timeline = new DemoTimeline(start, in.changeAtFrame(), base, truth);
    ActorSystem<ControlPlane.Command> system =
        ActorSystem.create(ControlPlane.create(parts), "vigil", demoConfig);
    PipelineMetrics metrics;
    List<ResultTail> tails = new ArrayList<>();
    for (SourceSpec c : cameras) {
      tails.add(new ResultTail(results.resolve(c.id() + ".jsonl")));
    }
    double changeSecond = in.changeAtFrame() / in.fps();
    double clipsSecond = changeSecond + plan.clipsAfterChange().toMillis() / 1000.0;
    Double swapSecond = null;
    boolean delivered = false;
    int printed = 0;
    long nextStatus = STATUS_EVERY.toMillis();
    try {
      started.get(30, TimeUnit.SECONDS);
      ControlPlane.started(system, Duration.ofSeconds(30));
      while (true) {
        TimeUnit.MILLISECONDS.sleep(200);
        double now = (System.currentTimeMillis() - start) / 1000.0;
        for (ResultTail t : tails) {
          t.poll().forEach(timeline::add);
        }
        for (; printed < journal.size(); printed++) {
          ControlEvent e = journal.get(printed);
          out.printf(
              Locale.ROOT,
              "  %5.1f s  %s%n",
              (e.at().toEpochMilli() - start) / 1000.0,
              e.describe());
          if (e instanceof ControlEvent.Swapped && swapSecond == null) {
            swapSecond = (e.at().toEpochMilli() - start) / 1000.0;
          }
        }
        if (!delivered && plan.deliverClips() && now >= clipsSecond) {
          for (Path clip : in.labeledClips()) {
            deliver(clip, inbox);
          }
          delivered = true;
          out.printf(
              Locale.ROOT,
              "  %5.1f s  %d labeled clips of the new scene copied into the inbox%n",
              now,
              in.labeledClips().size());
        }
        if (now * 1000 >= nextStatus) {
          nextStatus += STATUS_EVERY.toMillis();
          status(out, now, timeline, pipeline.get(), changeSecond);
        }
        out.flush();
        RealtimePipeline p = pipeline.get();
        boolean ended = p.streams().isEmpty();
        boolean enough =
            swapSecond != null && now >= swapSecond + plan.afterSwap().toMillis() / 1000.0;
        if (ended || enough || now >= plan.limit().toMillis() / 1000.0) {
          break;
        }
      }
      metrics = pipeline.get().stop(Duration.ofSeconds(10));
      for (ResultTail t : tails) {
        t.poll().forEach(timeline::add);
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    double seconds = (System.currentTimeMillis() - start) / 1000.0;
    DemoReport report =
        DemoReport.of(timeline, journal, metrics, start, changeSecond, clipsSecond, seconds);
    report.print(out);
    report.writeJson(outDir.resolve("summary.json"));
    TimelineChart.write(
        outDir.resolve("retraining.png"),
        "vigil: retraining after a change of scene (" + plan.streams() + " cameras)",
        timeline.rollingAccuracy(ROLLING_SECONDS),
        timeline.latencyPerSecond(0.99),
        report.marks(),
        report.spans());
    out.println("chart: " + outDir.resolve("retraining.png"));
    out.flush();
    return report;
  }

  /** One status line: accuracy of the last seconds, latency, the version serving. */
  private static void status(
      PrintWriter out, double now, DemoTimeline timeline, RealtimePipeline p, double changeSecond) {
    var rolling = timeline.rollingAccuracy(ROLLING_SECONDS);
    if (rolling.isEmpty() || p == null) {
      return;
    }
    PipelineMetrics m = p.metrics();
    out.printf(
        Locale.ROOT,
        "  %5.1f s  accuracy %5.1f %% (last %d s), p99 %.1f ms, %d frames out, %d dropped, %s%s%n",
        now,
        100 * rolling.lastEntry().getValue(),
        ROLLING_SECONDS,
        p.recentLatency().quantile(0.99),
        m.framesOut(),
        m.dropped(),
        p.modelVersion(),
        now >= changeSecond ? " [changed scene]" : "");
  }

  /** The true class name of every frame of the clip, from its sidecar. */
  private static List<String> truth(Path clip, List<String> classNames) throws IOException {
    int[] labels = LabelSidecar.read(LabelSidecar.pathFor(clip));
    List<String> names = new ArrayList<>(labels.length);
    for (int label : labels) {
      names.add(classNames.get(label));
    }
    return names;
  }

  /** Copies a labeled clip into the inbox as a user would: under a hidden name, then renamed. */
  static void deliver(Path clip, Path inbox) throws IOException {
    Files.createDirectories(inbox);
    for (Path source : List.of(LabelSidecar.pathFor(clip), clip)) {
      Path part = inbox.resolve("." + source.getFileName() + ".part");
      Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
      Files.move(part, inbox.resolve(source.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

package io.vigil.pipeline.bench;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.pipeline.realtime.DropPolicy;
import io.vigil.pipeline.realtime.RealtimePipeline;
import io.vigil.pipeline.realtime.RealtimeSettings;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.stream.PipelineMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Real time when decoding is the limit (not a test): N looping streams of a file paced at F fps
 * with LeNet-5, more than the cores can decode. Prints the frames the sources were offered (N × F ×
 * seconds), how many went in, out and were dropped, and the latency percentiles, then the
 * pipeline's own account. Run with {@code bench/video/run.sh streams [N [FPS [SECONDS [FILE]]]]}
 * (default 40 streams of vtest.avi at 30 fps for 20 s).
 */
public final class ManyStreamsBench {

  private ManyStreamsBench() {}

  public static void main(String[] args) throws Exception {
    int streams = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    double fps = args.length > 1 ? Double.parseDouble(args[1]) : 30;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Path video =
        Path.of(args.length > 3 ? args[3] : "/usr/share/doc/opencv-doc/examples/data/vtest.avi");
    Model model = ModelFile.load(Path.of("models/lenet5-fashion.vgl"));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench", ConfigFactory.load());
    try {
      RealtimeSettings settings =
          RealtimeSettings.from(ConfigFactory.load())
              .withBuffer(64, DropPolicy.DROP_OLDEST)
              .withBatch(32, Duration.ofMillis(10));
      RealtimePipeline pipeline =
          RealtimePipeline.start(
              system,
              settings,
              new EngineClassifier(model, 32, 3),
              model.input(),
              Files.createTempDirectory("vigil-many-streams"));
      for (int s = 0; s < streams; s++) {
        pipeline.add(SourceSpec.file("cam" + s, video, fps, true));
      }
      Thread.sleep(seconds * 1000L);
      PipelineMetrics m = pipeline.stop(Duration.ofSeconds(10));
      long offered = Math.round(streams * fps * seconds);
      long accounted = m.framesOut() + m.dropped();
      System.out.printf(
          Locale.ROOT,
          "real time, %d x %s at %.0f fps for %d s, LeNet-5: offered %d, in %d, out %d, dropped %d;"
              + " offered and in neither out nor dropped: %d (%.1f%%); latency p50 %.1f, p95"
              + " %.1f, p99 %.1f ms%n",
          streams,
          video.getFileName(),
          fps,
          seconds,
          offered,
          m.framesIn(),
          m.framesOut(),
          m.dropped(),
          offered - accounted,
          100.0 * (offered - accounted) / offered,
          m.latency().p50(),
          m.latency().p95(),
          m.latency().p99());
      System.out.print(m.describe().lines().findFirst().orElse("") + System.lineSeparator());
    } finally {
      system.terminate();
    }
  }
}

package io.vigil.pipeline.realtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A live network source on loopback: it is read, lost when the server dies, and reconnected. */
class NetworkSourceTest {

  private static ActorSystem<Void> system;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "network-test", ConfigFactory.load());
    // Load FFmpeg's and OpenCV's natives now, so that no test times their loading.
    try (io.vigil.pipeline.video.VideoDecoder decoder =
            io.vigil.pipeline.video.VideoDecoder.open(
                io.vigil.pipeline.video.SampleVideos.file("tree.avi"));
        io.vigil.pipeline.video.FramePreprocessor preprocessor =
            new io.vigil.pipeline.video.FramePreprocessor(new InputContract(1, 28, 28, 0, 1))) {
      preprocessor.toTensor(decoder.next().frame(), new float[28 * 28], 0);
    }
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void aServerThatDiesAndComesBackIsReconnectedAndEachDisconnectCounted() throws Exception {
    LoopbackStreamServer server = new LoopbackStreamServer(tmp, 40, 40);
    CompletableFuture<Void> served =
        CompletableFuture.runAsync(
            () -> {
              try {
                server.serve();
                // The camera is gone for a while: connections are refused, then it comes back.
                Thread.sleep(700);
                server.serve();
              } catch (Exception e) {
                throw new IllegalStateException("loopback server failed", e);
              }
            });
    RealtimeSettings settings =
        new RealtimeSettings(
            64,
            DropPolicy.DROP_OLDEST,
            8,
            Duration.ofMillis(5),
            1,
            Duration.ofSeconds(2),
            Duration.ofMillis(100),
            Duration.ofMillis(400),
            Duration.ZERO);
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings, new FakeClassifier(), new InputContract(1, 28, 28, 0.5f, 0.5f), tmp);
    pipeline.add(SourceSpec.url("net", server.url()));
    served.get(30, TimeUnit.SECONDS);
    Thread.sleep(500);
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
    server.close();
    StreamMetrics net = m.streams().get(0);
    assertTrue(net.disconnects() >= 1, m.describe());
    assertTrue(net.reconnects() >= 1, m.describe());
    // Both sessions' frames arrived (a few at each connection's start may be lost to probing).
    assertTrue(net.framesOut() > 45, "frames from both connections: " + m.describe());
  }

  @Test
  void aStalledSourceTimesOutAndDoesNotKeepOtherStreamsFromStarting() throws Exception {
    // A "camera" that accepts the connection and never sends a byte.
    try (java.net.ServerSocket stalled =
        new java.net.ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
      RealtimeSettings settings =
          new RealtimeSettings(
              64,
              DropPolicy.DROP_OLDEST,
              8,
              Duration.ofMillis(5),
              1,
              Duration.ofSeconds(1),
              Duration.ofMillis(100),
              Duration.ofMillis(400),
              Duration.ZERO);
      RealtimePipeline pipeline =
          RealtimePipeline.start(
              system,
              settings,
              new FakeClassifier(),
              new InputContract(1, 28, 28, 0.5f, 0.5f),
              tmp);
      pipeline.add(SourceSpec.url("stalled", "tcp://127.0.0.1:" + stalled.getLocalPort()));
      Thread.sleep(300); // the stalled source is now opening, blocked on its read
      long start = System.nanoTime();
      pipeline.add(
          SourceSpec.file(
              "file", io.vigil.pipeline.video.SampleVideos.file("tree.avi"), 100, true));
      long firstFrameMillis = -1;
      while (System.nanoTime() - start < 5_000_000_000L) {
        if (framesOut(pipeline, "file") > 0) {
          firstFrameMillis = (System.nanoTime() - start) / 1_000_000;
          break;
        }
        Thread.sleep(10);
      }
      // FFmpeg gives up on a silent input after about twice rw_timeout (it reads twice to probe).
      Thread.sleep(3500);
      PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
      assertTrue(
          firstFrameMillis >= 0 && firstFrameMillis < 1500,
          "the file stream started in " + firstFrameMillis + " ms: " + m.describe());
      StreamMetrics stalledMetrics =
          m.streams().stream().filter(s -> s.stream().equals("stalled")).findFirst().get();
      assertTrue(stalledMetrics.disconnects() >= 1, "the stall timed out: " + m.describe());
      assertTrue(stalledMetrics.reconnects() >= 1, "and was retried: " + m.describe());
    }
  }

  private static long framesOut(RealtimePipeline pipeline, String stream) {
    return pipeline.metrics().streams().stream()
        .filter(s -> s.stream().equals(stream))
        .mapToLong(StreamMetrics::framesOut)
        .sum();
  }
}

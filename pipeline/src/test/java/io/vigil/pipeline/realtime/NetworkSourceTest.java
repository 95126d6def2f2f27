package io.vigil.pipeline.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.function.Effect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A live network source on loopback: it is read, lost when the server dies, and reconnected. */
class NetworkSourceTest {

  private static ActorSystem<Void> system;
  private static TestProbe<Object> waits;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "network-test", ConfigFactory.load());
    waits = TestProbe.create(system);
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
    CompletableFuture<Void> first = serve(server);
    pipeline.add(SourceSpec.url("net", server.url()));
    first.get(30, TimeUnit.SECONDS);
    // The camera has sent its clip and hung up; it comes back once vigil has counted the loss.
    await(
        () -> {
          StreamMetrics net = of(pipeline, "net");
          assertTrue(net.disconnects() >= 1, "the loss is counted: " + net);
          assertTrue(net.framesOut() >= 20, "frames from the first connection: " + net);
        });
    StreamMetrics lost = of(pipeline, "net");
    serve(server).get(30, TimeUnit.SECONDS);
    // Both sessions' frames arrive (a few at each connection's start may be lost to probing).
    await(
        () -> {
          StreamMetrics net = of(pipeline, "net");
          assertTrue(net.reconnects() >= 1, "reopened: " + net);
          assertTrue(net.framesOut() >= lost.framesOut() + 20, "frames from the second: " + net);
          assertTrue(net.framesOut() > 45, "frames from both connections: " + net);
        });
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
    server.close();
    StreamMetrics net = m.streams().get(0);
    assertTrue(net.disconnects() >= 1, m.describe());
    assertTrue(net.reconnects() >= 1, m.describe());
    assertEquals(net.framesIn(), net.framesOut() + net.dropped(), m.describe());
  }

  @Test
  void aStalledSourceTimesOutAndDoesNotKeepOtherStreamsFromStarting() throws Exception {
    // A "camera" that accepts the connection and never sends a byte.
    try (ServerSocket stalled = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      stalled.setSoTimeout(30_000);
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
              system,
              settings,
              new FakeClassifier(),
              new InputContract(1, 28, 28, 0.5f, 0.5f),
              tmp);
      pipeline.add(SourceSpec.url("stalled", "tcp://127.0.0.1:" + stalled.getLocalPort()));
      try (Socket opening = stalled.accept()) {
        // The stalled source has connected and is opening, blocked on a read that gets nothing.
        pipeline.add(
            SourceSpec.file(
                "file", io.vigil.pipeline.video.SampleVideos.file("tree.avi"), 100, true));
        await(() -> assertTrue(of(pipeline, "file").framesOut() > 0, "the file stream started"));
        // FFmpeg gives up on a silent input after about twice rw_timeout (it reads twice to
        // probe): the file stream did not wait for that.
        assertEquals(
            0,
            of(pipeline, "stalled").disconnects(),
            "the file stream started while the stalled source still waited: "
                + pipeline.metrics().describe());
        // The stall times out, and the source connects again.
        try (Socket retried = stalled.accept()) {
          await(
              () -> {
                StreamMetrics s = of(pipeline, "stalled");
                assertTrue(s.disconnects() >= 1, "the stall timed out: " + s);
                assertTrue(s.reconnects() >= 1, "and was retried: " + s);
              });
        }
      }
      PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
      assertEquals(0, of(m, "stalled").framesOut(), m.describe());
      assertTrue(of(m, "file").framesOut() > 0, m.describe());
    }
  }

  /** Serves {@code server}'s clip to one client, on a thread of its own. */
  private static CompletableFuture<Void> serve(LoopbackStreamServer server) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            server.serve();
          } catch (Exception e) {
            throw new IllegalStateException("loopback server failed", e);
          }
        });
  }

  /** Waits until {@code check} passes, polling it (up to 30 s: the machine may be busy). */
  private static void await(Effect check) {
    waits.awaitAssert(
        Duration.ofSeconds(30),
        Duration.ofMillis(20),
        () -> {
          check.apply();
          return null;
        });
  }

  private static StreamMetrics of(RealtimePipeline pipeline, String stream) {
    return of(pipeline.metrics(), stream);
  }

  private static StreamMetrics of(PipelineMetrics metrics, String stream) {
    return metrics.streams().stream()
        .filter(s -> s.stream().equals(stream))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no stream " + stream + ": " + metrics.describe()));
  }
}

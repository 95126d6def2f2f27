package io.vigil.pipeline.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.stream.StreamMetrics;
import io.vigil.pipeline.video.FramePreprocessor;
import io.vigil.pipeline.video.SampleVideos;
import io.vigil.pipeline.video.VideoDecoder;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live network sources beyond plain TCP ({@link NetworkSourceTest}), each on loopback with the
 * {@code ffmpeg} program as the camera: the stream is read, lost when the camera's process is
 * killed, and read again once it is started again; the loss is counted once, and the reopening as a
 * new connection.
 */
class LiveProtocolsTest {

  private static ActorSystem<Void> system;
  private static TestProbe<Object> waits;

  @TempDir Path tmp;

  /** Whether {@link #await} starts the camera again when its process has exited. */
  private boolean restartCamera;

  @BeforeAll
  static void start() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "protocols-test", ConfigFactory.load());
    waits = TestProbe.create(system);
    // Load FFmpeg's and OpenCV's natives now, so that no wait below includes their loading.
    try (VideoDecoder decoder = VideoDecoder.open(SampleVideos.file("tree.avi"));
        FramePreprocessor preprocessor =
            new FramePreprocessor(new InputContract(1, 28, 28, 0, 1))) {
      preprocessor.toTensor(decoder.next().frame(), new float[28 * 28], 0);
    }
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void anHttpServerThatDiesAndComesBackIsReconnected() throws Exception {
    String url = "http://127.0.0.1:" + freeTcpPort() + "/live.ts";
    // -listen 1: ffmpeg is the HTTP server, sending the live stream to the client that connects.
    try (FfmpegProcess server =
        new FfmpegProcess(tmp.resolve("http.log"), args("-f", "mpegts", "-listen", "1", url))) {
      assertLostAndReconnected(SourceSpec.url("http-cam", url), server);
    }
  }

  @Test
  void aUdpSenderThatStopsAndStartsAgainIsReceivedAgain() throws Exception {
    int port = freeUdpPort();
    // The sender pushes datagrams whether anyone listens or not; the receiver binds the port. A
    // stopped sender is only silence: the read timeout is what notices it.
    try (FfmpegProcess sender =
        new FfmpegProcess(
            tmp.resolve("udp.log"),
            args("-f", "mpegts", "udp://127.0.0.1:" + port + "?pkt_size=1316"))) {
      assertLostAndReconnected(SourceSpec.url("udp-cam", "udp://127.0.0.1:" + port), sender);
    }
  }

  @Test
  void anRtspStreamPushedToVigilIsReceivedAgainAfterThePusherRestarts() throws Exception {
    // FFmpeg cannot serve RTSP to players, but its RTSP demuxer can listen: vigil is the server
    // (rtsp_flags = listen) and ffmpeg pushes to it (ANNOUNCE/RECORD) with RTP interleaved in the
    // RTSP connection (rtsp_transport = tcp), as an encoder or camera that pushes would.
    String url = "rtsp://127.0.0.1:" + freeTcpPort() + "/live";
    SourceSpec spec =
        SourceSpec.url("rtsp-cam", url)
            .withFfmpegOptions(Map.of("rtsp_flags", "listen", "rtsp_transport", "tcp"));
    try (FfmpegProcess pusher =
        new FfmpegProcess(
            tmp.resolve("rtsp.log"), args("-f", "rtsp", "-rtsp_transport", "tcp", url))) {
      assertLostAndReconnected(spec, pusher);
    }
  }

  /**
   * Starts {@code camera}, reads {@code spec} until frames flow, kills the camera and waits for the
   * disconnect, starts it again and waits for frames from the new session.
   */
  private void assertLostAndReconnected(SourceSpec spec, FfmpegProcess camera) throws Exception {
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
            system, settings, new FakeClassifier(), new InputContract(1, 28, 28, 0.5f, 0.5f), tmp);
    try {
      // A pusher needs vigil listening first; a server or sender is there before vigil reads.
      boolean pushes = spec.ffmpegOptions().containsKey("rtsp_flags");
      if (pushes) {
        pipeline.add(spec);
        camera.start();
      } else {
        camera.start();
        pipeline.add(spec);
      }
      restartCamera = pushes;
      String id = spec.id();
      await(() -> of(pipeline, id).framesOut() >= 25, "frames flow", pipeline, camera);

      StreamMetrics before = of(pipeline, id);
      restartCamera = false;
      camera.kill();
      await(
          () -> of(pipeline, id).connections().losses() > before.connections().losses(),
          "the lost camera is noticed",
          pipeline,
          camera);

      StreamMetrics lost = of(pipeline, id);
      camera.start();
      restartCamera = pushes;
      await(
          () -> of(pipeline, id).framesOut() >= lost.framesOut() + 25,
          "frames flow again after the camera is back",
          pipeline,
          camera);
      StreamMetrics after = of(pipeline, id);
      assertTrue(
          after.connections().connections() > before.connections().connections(),
          "reopened after the loss: " + after);
      assertEquals(
          before.connections().losses() + 1,
          after.connections().losses(),
          "one loss for the one outage: " + after);
    } finally {
      pipeline.stop(Duration.ofSeconds(5));
    }
  }

  private static List<String> args(String... output) {
    List<String> args = new ArrayList<>(FfmpegProcess.TEST_PATTERN);
    args.addAll(List.of(output));
    return args;
  }

  private static StreamMetrics of(RealtimePipeline pipeline, String id) {
    return pipeline.metrics().streams().stream()
        .filter(s -> s.stream().equals(id))
        .findFirst()
        .orElseThrow();
  }

  /**
   * Waits (up to 20 s: the machine may be busy) for {@code condition}, polling; while {@link
   * #restartCamera} is set, a camera process that exited is started again.
   */
  private void await(
      BooleanSupplier condition, String what, RealtimePipeline pipeline, FfmpegProcess camera) {
    waits.awaitAssert(
        Duration.ofSeconds(20),
        Duration.ofMillis(20),
        () -> {
          if (condition.getAsBoolean()) {
            return null;
          }
          if (restartCamera && !camera.isAlive()) {
            // A pusher that found nobody listening yet (vigil's listener is opened again after a
            // backoff) gives up at once: push again, as a real encoder retries.
            camera.start();
          }
          throw new AssertionError(
              what + "\n" + pipeline.metrics().describe() + "ffmpeg's log:\n" + camera.log());
        });
  }

  private static int freeTcpPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static int freeUdpPort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}

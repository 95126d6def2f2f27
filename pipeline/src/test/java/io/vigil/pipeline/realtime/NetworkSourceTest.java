package io.vigil.pipeline.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.result.ConnectionCounts;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import org.slf4j.LoggerFactory;

/**
 * A live network source on loopback: it is read, lost when the server dies, and reconnected; its
 * attempts, connections and losses are counted apart.
 */
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
  void oneOutageIsOneLossHoweverManyAttemptsItTakesToConnectAgain() throws Exception {
    LoopbackStreamServer server = new LoopbackStreamServer(tmp, 40, 40);
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system,
            settings(),
            new FakeClassifier(),
            new InputContract(1, 28, 28, 0.5f, 0.5f),
            tmp);
    // The camera sends its clip, hangs up and is down: every attempt to reopen it is refused.
    CompletableFuture<Void> first = serveAndStop(server);
    pipeline.add(SourceSpec.url("net", server.url()));
    first.get(30, TimeUnit.SECONDS);
    await(
        () -> {
          StreamMetrics net = of(pipeline, "net");
          assertTrue(net.connections().failedAttempts() >= 3, "reopening is refused: " + net);
          assertTrue(net.framesOut() >= 20, "frames from the first connection: " + net);
        });
    StreamMetrics down = of(pipeline, "net");
    assertEquals(1, down.connections().connections(), down.toString());
    assertEquals(1, down.connections().losses(), "one outage, one loss: " + down);
    // The camera comes back: the next attempt connects.
    server.restart();
    serve(server).get(30, TimeUnit.SECONDS);
    // Both sessions' frames arrive (a few at each connection's start may be lost to probing).
    await(
        () -> {
          StreamMetrics net = of(pipeline, "net");
          assertEquals(2, net.connections().connections(), "connected again: " + net);
          assertTrue(net.framesOut() >= down.framesOut() + 20, "frames from the second: " + net);
        });
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
    server.close();
    StreamMetrics net = m.streams().get(0);
    ConnectionCounts c = net.connections();
    assertEquals(2, c.connections(), m.describe());
    // The second session ended too if its hang-up was read before the stop: at most one more loss.
    assertTrue(c.losses() == 1 || c.losses() == 2, m.describe());
    assertTrue(c.attempts() >= 5, m.describe());
    assertEquals(c.attempts(), c.connections() + c.failedAttempts(), m.describe());
    assertTrue(m.describe().contains(c.describe()), m.describe());
    assertEquals(net.framesIn(), net.framesOut() + net.dropped(), m.describe());
    JsonNode summary = new ObjectMapper().readTree(tmp.resolve("net.summary.json").toFile());
    JsonNode written = summary.get("connections");
    assertEquals(c.attempts(), written.get("attempts").asLong(), summary.toString());
    assertEquals(2, written.get("connections").asLong(), summary.toString());
    assertEquals(c.losses(), written.get("losses").asLong(), summary.toString());
  }

  @Test
  void aSourceThatNeverConnectsLogsOneLinePerAttemptAndFailsAfterTheLimit() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    // Nobody listens there: every attempt is refused.
    String url = "tcp://127.0.0.1:" + port;
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    Logger attempts = (Logger) LoggerFactory.getLogger(ConnectionAttempts.class);
    Level level = attempts.getLevel();
    attempts.setLevel(Level.DEBUG);
    root.addAppender(logged);
    StreamMetrics gone;
    PipelineMetrics m;
    Map<String, String> failures;
    try {
      RealtimePipeline pipeline =
          RealtimePipeline.start(
              system,
              settings().withMaxAttempts(3),
              new FakeClassifier(),
              new InputContract(1, 28, 28, 0.5f, 0.5f),
              tmp);
      gone =
          pipeline.add(SourceSpec.url("gone", url)).toCompletableFuture().get(30, TimeUnit.SECONDS);
      failures = pipeline.failures();
      m = pipeline.stop(Duration.ofSeconds(5));
    } finally {
      root.detachAppender(logged);
      attempts.setLevel(level);
    }
    // Three attempts, none connected, nothing lost: the stream gave up after the third.
    assertEquals(new ConnectionCounts(3, 0, 0), gone.connections(), m.describe());
    String failure = failures.get("gone");
    assertTrue(failure != null && failure.contains(url), "the failure names the URL: " + failures);
    assertTrue(failure.contains("3 attempts"), "and the attempts: " + failure);
    List<ILoggingEvent> events = List.copyOf(logged.list);
    StringBuilder all = new StringBuilder();
    events.forEach(
        e -> all.append(e.getLevel()).append(' ').append(e.getFormattedMessage()).append('\n'));
    // One line per attempt, each naming the stream, the URL and the attempt, without a stack
    // trace or JavaCV's generic advice: WARN for the first, INFO for the retries.
    List<ILoggingEvent> perAttempt =
        events.stream()
            .filter(e -> e.getLoggerName().equals(ConnectionAttempts.class.getName()))
            .toList();
    assertEquals(3, perAttempt.size(), all.toString());
    for (int i = 0; i < 3; i++) {
      ILoggingEvent e = perAttempt.get(i);
      String line = e.getFormattedMessage();
      assertEquals(i == 0 ? Level.WARN : Level.INFO, e.getLevel(), line);
      assertTrue(line.startsWith("gone: "), line);
      assertTrue(line.contains(url), line);
      assertTrue(line.contains("attempt " + (i + 1)), line);
      assertTrue(line.contains("Connection refused"), "the reason in words: " + line);
    }
    for (ILoggingEvent e : events) {
      String line = e.getFormattedMessage();
      assertEquals(null, e.getThrowableProxy(), "no stack trace: " + line);
      assertTrue(!line.contains("\n"), "one line: " + line);
      assertTrue(
          !line.contains("setFormat") && !line.contains("been called"),
          "no JavaCV advice: " + line);
    }
  }

  @Test
  void aStalledSourceTimesOutAndDoesNotKeepOtherStreamsFromStarting() throws Exception {
    // A "camera" that accepts the connection and never sends a byte.
    try (ServerSocket stalled = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      stalled.setSoTimeout(30_000);
      RealtimePipeline pipeline =
          RealtimePipeline.start(
              system,
              settings(),
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
            of(pipeline, "stalled").connections().failedAttempts(),
            "the file stream started while the stalled source still waited: "
                + pipeline.metrics().describe());
        // The stall times out, and the source connects again.
        try (Socket retried = stalled.accept()) {
          await(
              () -> {
                StreamMetrics s = of(pipeline, "stalled");
                ConnectionCounts c = s.connections();
                assertTrue(c.failedAttempts() >= 1, "the stall timed out: " + s);
                assertTrue(c.attempts() >= 2, "and was retried: " + s);
                assertEquals(0, c.connections(), "a silent source never connected: " + s);
                assertEquals(0, c.losses(), "so it was never lost: " + s);
              });
        }
      }
      PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
      assertEquals(0, of(m, "stalled").framesOut(), m.describe());
      assertTrue(of(m, "file").framesOut() > 0, m.describe());
    }
  }

  /** Settings for loopback: short timeouts and backoffs, a source tried for ever. */
  private static RealtimeSettings settings() {
    return new RealtimeSettings(
        64,
        DropPolicy.DROP_OLDEST,
        8,
        Duration.ofMillis(5),
        1,
        Duration.ofSeconds(2),
        Duration.ofMillis(100),
        Duration.ofMillis(400),
        Duration.ZERO);
  }

  /** {@link LoopbackStreamServer#serveAndStop} on a thread of its own. */
  private static CompletableFuture<Void> serveAndStop(LoopbackStreamServer server) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            server.serveAndStop();
          } catch (Exception e) {
            throw new IllegalStateException("loopback server failed", e);
          }
        });
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

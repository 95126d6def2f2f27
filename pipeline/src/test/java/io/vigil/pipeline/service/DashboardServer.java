package io.vigil.pipeline.service;

import io.vigil.pipeline.realtime.StreamLabels;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;

/**
 * The dashboard's routes bound alone on a loopback port, with {@link FakeServiceRoutes} for the
 * rest of the API and {@link SyntheticStreams} (cam1, labeled; cam2, every 10th frame dropped)
 * stepped 25 times a second. History samples every {@link #SAMPLE_EVERY}, so that charts move
 * within a test.
 */
final class DashboardServer implements AutoCloseable {

  static final Duration SAMPLE_EVERY = Duration.ofMillis(250);

  final ActorSystem<Void> system;
  final SyntheticStreams streams;
  final FrameFeed feed;
  final MetricsHistory history;
  final FakeServiceRoutes api;
  private final ScheduledExecutorService clock;
  private final ServerBinding binding;

  final DashboardRoutes dashboard;

  DashboardServer() throws Exception {
    this(Set.of("cam1", "cam2"));
  }

  /**
   * A server whose streams are {@code ids}; cam1 is labeled, every stream drops every 10th frame.
   */
  DashboardServer(Set<String> ids) throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "dashboard-test");
    streams = new SyntheticStreams(ids, 10);
    feed = new FrameFeed(SyntheticStreams.CONTRACT);
    Map<String, StreamLabels> labels =
        Map.of(
            "cam1",
            new StreamLabels.Ranges(
                List.of(
                    new StreamLabels.Range(0, Long.MAX_VALUE, SyntheticStreams.CLASSES.get(0)))));
    history =
        new MetricsHistory(
            streams::metrics,
            streams::streams,
            new FrameTruth(labels, SyntheticStreams.CLASSES),
            SAMPLE_EVERY,
            Duration.ofMinutes(10),
            Duration.ofSeconds(5));
    streams.tapFrames(feed::onFrame);
    streams.tapResults(feed::onResult);
    streams.tapResults(history::onResult);
    api = new FakeServiceRoutes(streams);
    dashboard = new DashboardRoutes(feed, history, streams::streams);
    clock = Executors.newScheduledThreadPool(2);
    clock.scheduleAtFixedRate(streams::step, 0, 40, TimeUnit.MILLISECONDS);
    clock.scheduleAtFixedRate(history::sample, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    CompletionStage<ServerBinding> bound =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .bind(new AllDirectives() {}.concat(dashboard.route(), api.route()));
    binding = bound.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The server's base address, without a trailing slash. */
  String base() {
    return "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  @Override
  public void close() throws Exception {
    clock.shutdownNow();
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

package io.vigil.pipeline.service;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The dashboard: its page and assets, and what only the page needs from the service.
 *
 * <ul>
 *   <li>{@code GET /}: the page; {@code GET /dashboard/...}: its scripts, styles and the vendored
 *       charting library, from the classpath folder {@value #ASSETS}.
 *   <li>{@code GET /api/v1/streams/{id}/frames.mjpg}: the stream's annotated frames ({@link
 *       FrameFeed}) as MJPEG ({@code multipart/x-mixed-replace}), checked {@link #TICKS_PER_SECOND}
 *       times a second and sent when new (the last one again every {@link #KEEPALIVE}, so that idle
 *       timeouts do not close a quiet stream's connection); ends when the client goes or the stream
 *       stops.
 *   <li>{@code GET /api/v1/streams/{id}/frame.jpg}: the latest annotated frame.
 *   <li>{@code GET /api/v1/history?since=MILLIS}: the samples of {@link MetricsHistory} taken after
 *       {@code since} (all of the last ten minutes without it).
 * </ul>
 *
 * An unknown stream gets 404, a stream with no frame yet 503, both as JSON errors.
 */
public final class DashboardRoutes extends AllDirectives {

  /** The classpath folder of the page and its assets. */
  static final String ASSETS = "io/vigil/pipeline/service/dashboard";

  /** How often an MJPEG connection looks for a new frame. */
  static final int TICKS_PER_SECOND = 5;

  /** How long an MJPEG connection may go without a part. */
  static final Duration KEEPALIVE = Duration.ofSeconds(5);

  private static final String BOUNDARY = "vigilframe";

  private static final ContentType MJPEG =
      MediaTypes.customMultipart("x-mixed-replace", Map.of("boundary", BOUNDARY)).toContentType();

  private static final ContentType JPEG = MediaTypes.IMAGE_JPEG.toContentType();

  private final FrameFeed feed;
  private final MetricsHistory history;
  private final Supplier<Set<String>> running;
  private final Queue<CompletionStage<Done>> frameStreams = new ConcurrentLinkedQueue<>();

  /**
   * The dashboard of the service: a {@link FrameFeed} and a {@link MetricsHistory} on {@code
   * context}'s streams (tapping their frames and results once, here), the history sampled every
   * second on the actor system's scheduler until the system stops.
   */
  public DashboardRoutes(ServiceContext context) {
    this(feedOf(context), historyOf(context), context.live()::streams);
  }

  private static FrameFeed feedOf(ServiceContext context) {
    FrameFeed feed = new FrameFeed(context.input());
    context.live().tapFrames(feed::onFrame);
    context.live().tapResults(feed::onResult);
    return feed;
  }

  private static MetricsHistory historyOf(ServiceContext context) {
    MetricsHistory history =
        MetricsHistory.start(
            context.system(),
            context.live()::metrics,
            context.live()::streams,
            context.labels(),
            context.classNames(),
            context.live()::fileLabels);
    context.live().tapResults(history::onResult);
    context.system().getWhenTerminated().thenRun(history::close);
    return history;
  }

  /**
   * The dashboard's routes.
   *
   * @param feed the streams' annotated frames (tapped into the pipeline by the caller)
   * @param history the metrics samples (sampling and tapped by the caller)
   * @param running the ids of the streams running now
   */
  public DashboardRoutes(FrameFeed feed, MetricsHistory history, Supplier<Set<String>> running) {
    this.feed = feed;
    this.history = history;
    this.running = running;
  }

  /** All of the dashboard's routes. */
  public Route route() {
    return get(
        () ->
            concat(
                pathEndOrSingleSlash(
                    () ->
                        respondWithHeader(
                            CacheControl.create(CacheDirectives.NO_CACHE),
                            () ->
                                getFromResource(
                                    ASSETS + "/index.html", ContentTypes.TEXT_HTML_UTF8))),
                pathPrefix("dashboard", () -> getFromResourceDirectory(ASSETS)),
                pathPrefix(
                    segment("api").slash("v1"),
                    () ->
                        concat(
                            path(
                                segment("streams").slash(segment()).slash("frames.mjpg"),
                                this::mjpeg),
                            path(
                                segment("streams").slash(segment()).slash("frame.jpg"),
                                this::frame),
                            path(
                                "history",
                                () -> parameterOptional("since", since -> historySince(since)))))));
  }

  private Route frame(String stream) {
    Optional<Route> refused = refuse(stream);
    if (refused.isPresent()) {
      return refused.get();
    }
    return feed.jpeg(stream)
        .map(
            j ->
                complete(
                    HttpResponse.create()
                        .withEntity(HttpEntities.create(JPEG, j.bytes()))
                        .addHeader(CacheControl.create(CacheDirectives.NO_STORE))))
        .orElseGet(
            () ->
                Json.error(
                    StatusCodes.SERVICE_UNAVAILABLE,
                    "stream " + stream + " has no classified frame yet; try again in a moment"));
  }

  private Route mjpeg(String stream) {
    Optional<Route> refused = refuse(stream);
    if (refused.isPresent()) {
      return refused.get();
    }
    long keepaliveTicks = KEEPALIVE.toMillis() * TICKS_PER_SECOND / 1000;
    Source<ByteString, ?> parts =
        Source.tick(Duration.ZERO, Duration.ofMillis(1000 / TICKS_PER_SECOND), Boolean.TRUE)
            .takeWhile(t -> running.get().contains(stream))
            .statefulMapConcat(
                () -> {
                  long[] sentSequence = {0};
                  long[] quietTicks = {0};
                  return tick -> {
                    Optional<FrameFeed.Jpeg> j = feed.jpeg(stream);
                    boolean fresh = j.isPresent() && j.get().sequence() != sentSequence[0];
                    boolean resend = j.isPresent() && ++quietTicks[0] >= keepaliveTicks;
                    if (!fresh && !resend) {
                      return List.of();
                    }
                    sentSequence[0] = j.get().sequence();
                    quietTicks[0] = 0;
                    return List.of(part(j.get().bytes()));
                  };
                })
            .watchTermination(
                (notUsed, ended) -> {
                  // Kept until it ends, so that tests can see a connection's ticks stop with it.
                  frameStreams.add(ended);
                  ended.whenComplete((done, error) -> frameStreams.remove(ended));
                  return notUsed;
                });
    return complete(
        HttpResponse.create()
            .withEntity(HttpEntities.createChunked(MJPEG, parts))
            .addHeader(CacheControl.create(CacheDirectives.NO_STORE)));
  }

  private Route historySince(Optional<String> since) {
    long millis;
    try {
      millis = since.map(Long::parseLong).orElse(0L);
    } catch (NumberFormatException e) {
      return Json.error(
          StatusCodes.BAD_REQUEST,
          "since must be a time in epoch milliseconds, got '" + since.get() + "'");
    }
    return Json.ok(history.since(millis));
  }

  /** A 404 for a stream that does not run (forgetting its last frame), else nothing. */
  private Optional<Route> refuse(String stream) {
    Set<String> now = running.get();
    if (now.contains(stream)) {
      return Optional.empty();
    }
    feed.retain(now);
    return Optional.of(Json.error(StatusCodes.NOT_FOUND, "stream " + stream + " does not run"));
  }

  /** The MJPEG responses streaming now, each completing when its response ends. */
  List<CompletionStage<Done>> frameStreams() {
    return List.copyOf(frameStreams);
  }

  /** One MJPEG part: its boundary, headers and the JPEG. */
  static ByteString part(byte[] jpeg) {
    String head =
        "--"
            + BOUNDARY
            + "\r\nContent-Type: image/jpeg\r\nContent-Length: "
            + jpeg.length
            + "\r\n\r\n";
    return ByteString.fromString(head, StandardCharsets.US_ASCII)
        .concat(ByteString.fromArray(jpeg))
        .concat(ByteString.fromString("\r\n", StandardCharsets.US_ASCII));
  }
}

package io.vigil.pipeline.service;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.AskTimeoutException;

/**
 * The HTTP server of {@code vigil serve}: every route of the service behind one guard and one error
 * format. Reads (GET, HEAD) are open; every call that changes something needs the bearer token.
 * Every error, the server's own rejections included, is JSON naming what was wrong.
 */
public final class HttpService extends AllDirectives implements AutoCloseable {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HttpService.class);

  /** Methods that change nothing, open without a token. */
  private static final Set<String> READS = Set.of("GET", "HEAD");

  private final ServerBinding binding;

  private HttpService(ServerBinding binding) {
    this.binding = binding;
  }

  /**
   * Binds every route of the service on the settings' host and port.
   *
   * @param token the token changing calls must carry; empty: every changing call is refused
   * @throws IllegalArgumentException when the host is not loopback and there is no token
   */
  public static HttpService start(
      ServiceContext context, Optional<ApiToken> token, Duration timeout) throws Exception {
    // Before the routes are built: they tap the live streams.
    refuseOpenWithoutToken(context.settings(), token);
    return start(context, token, routes(context), timeout);
  }

  private static void refuseOpenWithoutToken(ServeSettings settings, Optional<ApiToken> token) {
    if (token.isEmpty() && !settings.loopbackOnly()) {
      throw new IllegalArgumentException(
          "vigil serve: listening on "
              + settings.host()
              + " needs an API token (vigil.serve.token-file, --token-file or "
              + ApiToken.ENVIRONMENT
              + "); without one only a loopback address is allowed");
    }
  }

  /** The routes of the service, tried in order. */
  static List<Route> routes(ServiceContext context) {
    return List.of(
        new DashboardRoutes(context).route(),
        new HealthRoutes(context).route(),
        new StreamRoutes(context).route(),
        new ModelRoutes(context).route(),
        new ClipRoutes(context).route(),
        new TrainerRoutes(context).route(),
        new MetricsRoutes(context).route(),
        new LabelingRoutes(context.labeling(), context.system()).route(),
        ApiDocsRoutes.route());
  }

  /**
   * Binds {@code routes} on the settings' host and port.
   *
   * @param token the token changing calls must carry; empty: every changing call is refused
   * @param routes the routes to serve, tried in order
   * @throws IllegalArgumentException when the host is not loopback and there is no token
   */
  public static HttpService start(
      ServiceContext context, Optional<ApiToken> token, List<Route> routes, Duration timeout)
      throws Exception {
    ServeSettings settings = context.settings();
    refuseOpenWithoutToken(settings, token);
    Route all = new HttpService(null).guarded(token, routes);
    ServerBinding binding =
        Http.get(context.system())
            .newServerAt(settings.host(), settings.port())
            .bind(all)
            .toCompletableFuture()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return new HttpService(binding);
  }

  /** The port the server listens on (the one chosen when the settings said 0). */
  public int port() {
    return binding.localAddress().getPort();
  }

  /** Stops taking connections and lets requests in flight finish (up to a few seconds). */
  @Override
  public void close() throws Exception {
    binding.terminate(Duration.ofSeconds(3)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** {@code routes} behind the token check and the JSON error handlers. */
  Route guarded(Optional<ApiToken> token, List<Route> routes) {
    Route inner = concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new));
    Route checked =
        extractMethod(
            method -> {
              if (READS.contains(method.name())) {
                return inner;
              }
              if (token.isEmpty()) {
                return Json.error(
                    StatusCodes.FORBIDDEN,
                    "this service runs without an API token, so changes are refused: start it"
                        + " with --token-file FILE or "
                        + ApiToken.ENVIRONMENT);
              }
              return optionalHeaderValueByName(
                  "Authorization",
                  header -> {
                    if (header.isPresent() && token.get().acceptsHeader(header.get())) {
                      return inner;
                    }
                    return respondWithHeader(
                        WWWAuthenticate.create(HttpChallenge.create("Bearer", "vigil")),
                        () ->
                            Json.error(
                                StatusCodes.UNAUTHORIZED,
                                header.isPresent()
                                    ? "wrong API token"
                                    : "this call changes something: it needs the header"
                                        + " Authorization: Bearer TOKEN"));
                  });
            });
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> checked));
  }

  /** Exceptions from the routes: the caller's fault is a 4xx naming it, a slow actor 503. */
  private static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(IllegalArgumentException.class, e -> Json.error(StatusCodes.BAD_REQUEST, message(e)))
        .match(CompletionException.class, e -> answer(e.getCause() != null ? e.getCause() : e))
        .matchAny(HttpService::answer)
        .build();
  }

  private static Route answer(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof EntityStreamSizeException size) {
        return Json.error(
            StatusCodes.PAYLOAD_TOO_LARGE,
            "the upload is larger than the limit of " + size.limit() + " bytes");
      }
    }
    if (e instanceof IllegalArgumentException) {
      return Json.error(StatusCodes.BAD_REQUEST, message(e));
    }
    if (e instanceof AskTimeoutException || e instanceof TimeoutException) {
      return Json.error(StatusCodes.SERVICE_UNAVAILABLE, "vigil did not answer in time; try again");
    }
    log.warn("service: a request failed: {}", e.toString(), e);
    return Json.error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + message(e));
  }

  /** Pekko HTTP's own rejections (no such path, wrong method, bad entity...) as JSON errors. */
  private static RejectionHandler rejections() {
    return RejectionHandler.defaultHandler()
        .mapRejectionResponse(
            response -> {
              if (response.entity() instanceof HttpEntity.Strict strict
                  && !strict
                      .getContentType()
                      .equals(org.apache.pekko.http.javadsl.model.ContentTypes.APPLICATION_JSON)) {
                return withJsonError(response, strict.getData().utf8String());
              }
              return response;
            });
  }

  private static HttpResponse withJsonError(HttpResponse response, String text) {
    HttpResponse json = Json.errorResponse(response.status(), text.strip());
    return response.withEntity(json.entity());
  }

  private static String message(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }
}

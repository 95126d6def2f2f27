package io.vigil.pipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.service.ApiToken;
import io.vigil.pipeline.service.HttpService;
import io.vigil.pipeline.service.ServeSettings;
import io.vigil.pipeline.service.ServiceContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The whole of {@code vigil serve} in the test's JVM: the real pipeline on the sample clip (looped,
 * so it runs until closed), the control plane with retraining on, and the HTTP server on a free
 * loopback port with a known token. Tests of the API and of the dashboard start one.
 */
public final class ServiceFixture implements AutoCloseable {

  /** The token changing calls must carry. */
  public static final String TOKEN = "fixture-token-0123456789abcdef";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LiveRun run;
  private final HttpService http;
  private final ServiceContext context;
  private final HttpClient client = HttpClient.newHttpClient();

  private ServiceFixture(LiveRun run, HttpService http, ServiceContext context) {
    this.run = run;
    this.http = http;
    this.context = context;
  }

  /**
   * Starts the service with its results, registry and inbox under {@code dir}; {@code extraConfig}
   * (HOCON, may be empty) goes over the fixture's configuration.
   */
  public static ServiceFixture start(Path dir, String extraConfig) throws Exception {
    Path sample = Path.of("../samples/fashion-clip.mp4").toAbsolutePath().normalize();
    Config config =
        ConfigFactory.parseString(extraConfig)
            .withFallback(
                ConfigFactory.parseString(
                    String.join(
                        "\n",
                        "vigil.serve { host = \"127.0.0.1\", port = 0 }",
                        "vigil.run.out = \"" + dir.resolve("out") + "\"",
                        "vigil.run.model = \""
                            + TestModels.SHIPPED.toAbsolutePath().normalize()
                            + "\"",
                        "vigil.run.streams = [ { id = \"fashion\", file = \""
                            + sample
                            + "\", loop = true, fps = 100 } ]",
                        "vigil.registry.dir = \"" + dir.resolve("registry") + "\"",
                        "vigil.retrain { enabled = true, inbox = \""
                            + dir.resolve("inbox")
                            + "\" }")))
            .withFallback(ConfigFactory.load())
            .resolve();
    LiveRun run = LiveRun.prepare(config, null, null);
    try {
      run.start(CpuBackend.shared());
      ServeSettings settings = ServeSettings.from(config, run.paths);
      ServiceContext context = ServeCommand.context(run, settings);
      HttpService http =
          HttpService.start(context, Optional.of(ApiToken.of(TOKEN)), Duration.ofSeconds(30));
      return new ServiceFixture(run, http, context);
    } catch (Exception | Error e) {
      if (run.pipeline != null) {
        run.pipeline.stop(Duration.ofSeconds(5));
      }
      run.close();
      throw e;
    }
  }

  /** The service's base address, {@code http://127.0.0.1:PORT}. */
  public String base() {
    return "http://127.0.0.1:" + http.port();
  }

  /** What the routes work with (its live streams, journal, registry...). */
  public ServiceContext context() {
    return context;
  }

  /** The results folder. */
  public Path out() {
    return run.outDir;
  }

  /** A request to {@code path} (starting with '/'). */
  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
  }

  /** The same request with the token. */
  public HttpRequest.Builder authorized(String path) {
    return request(path).header("Authorization", "Bearer " + TOKEN);
  }

  /** Sends a request; the body as text. */
  public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** GET {@code path}, expecting 200; the body as JSON. */
  public JsonNode getJson(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = send(request(path).GET().build());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  @Override
  public void close() throws Exception {
    try {
      http.close();
      run.pipeline.stop(Duration.ofSeconds(10));
    } finally {
      run.close();
    }
  }
}

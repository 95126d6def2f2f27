package io.vigil.pipeline.cli;

import com.typesafe.config.Config;
import io.vigil.engine.backend.Backend;
import io.vigil.pipeline.control.ControlEvent;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.service.ApiToken;
import io.vigil.pipeline.service.HttpService;
import io.vigil.pipeline.service.LabelingQueue;
import io.vigil.pipeline.service.LabelingSettings;
import io.vigil.pipeline.service.ServeSettings;
import io.vigil.pipeline.service.ServiceContext;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.video.Preprocessing;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil serve}: the streams, registry, clip inbox and trainer of {@code vigil run}, as a
 * long-lived service with an HTTP API, Prometheus metrics and a dashboard. Runs until SIGTERM or
 * Ctrl-C, then drains the streams as {@code vigil run} does.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs vigil as a service: the live streams of `vigil run` with the model registry and the"
          + " trainer, an HTTP API to add and remove streams, upload models and labeled clips,"
          + " activate and roll back versions, Prometheus metrics at /metrics and a dashboard at /.",
      "With no options it serves the sample stream and model on http://127.0.0.1:8080/"
          + " (config/serve.conf). Calls that change something need the bearer token: from"
          + " --token-file, vigil.serve.token-file or VIGIL_TOKEN; on a loopback address without"
          + " one, a token is made and written to OUT/api-token. Stops cleanly on Ctrl-C or"
          + " SIGTERM."
    })
final class ServeCommand implements Callable<Integer> {

  /** The configuration used when no --config is given. */
  static final String DEFAULT_CONFIG = "config/serve.conf";

  /** Where a made token is written, under the results folder. */
  static final String TOKEN_FILE = "api-token";

  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      description = "Address to listen on (default from config: vigil.serve.host, 127.0.0.1).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "TCP port (default from config: vigil.serve.port, 8080; 0 = any free port).")
  Integer port;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "File whose first line is the API token (default: vigil.serve.token-file).")
  Path tokenFile;

  @Mixin LiveRunOptions live;

  @Mixin RuntimeOptions runtime;

  @Override
  public Integer call() throws Exception {
    if (port != null) {
      OptionRanges.between("--port", port, 0, 65535);
    }
    if (runtime.configFile == null) {
      runtime.configFile = RunPaths.paths().apply(DEFAULT_CONFIG);
    }
    Backend backend = runtime.backend();
    Config config = runtime.config();
    LiveRun run = live.prepare(config);
    ServeSettings settings = settings(config, run);
    Optional<ApiToken> token =
        ApiToken.load(settings.tokenFile(), System.getenv(ApiToken.ENVIRONMENT));
    if (token.isEmpty() && !settings.loopbackOnly()) {
      throw new BadArgumentException(
          "listening on "
              + settings.host()
              + " needs an API token (--token-file, vigil.serve.token-file or "
              + ApiToken.ENVIRONMENT
              + "); without one vigil serves only on a loopback address");
    }
    PrintWriter stderr = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    runtime.announce(stderr);
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch drained = new CountDownLatch(1);
    Thread hook =
        DrainHook.install(interrupted, drained, RunCommand.DRAIN_LIMIT, "vigil-serve-stop");
    try {
      run.start(backend);
      if (token.isEmpty()) {
        Path file = run.outDir.resolve(TOKEN_FILE);
        token = Optional.of(madeToken(file));
        stderr.println("serve: no API token was given; made one in " + file);
      }
      try (HttpService http =
          HttpService.start(context(run, settings), token, Duration.ofSeconds(30))) {
        stderr.printf(
            "serve: http://%s:%d/ (API under /api/v1/, metrics at /metrics); %d streams, model %s,"
                + " results in %s%s%n",
            settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host(),
            http.port(),
            run.sources.size(),
            run.model.version(),
            run.outDir,
            run.retrain.enabled() ? "; retraining from clips in " + run.retrain.inbox() : "");
        stderr.flush();
        int printed = 0;
        List<ControlEvent> journal = run.journal;
        while (!interrupted.await(200, TimeUnit.MILLISECONDS)) {
          for (; printed < journal.size(); printed++) {
            stderr.println("serve: " + journal.get(printed).describe());
          }
          stderr.flush();
        }
        stderr.println("serve: stopping: draining the streams");
      }
      PipelineMetrics end = run.pipeline.stop(Duration.ofSeconds(10));
      stdout.print(end.describe());
      stdout.println("results: " + run.outDir);
      stdout.flush();
      return RunCommand.outcome(run.pipeline, run.sources.size(), stderr);
    } finally {
      DrainHook.remove(hook);
      try {
        run.close();
      } finally {
        drained.countDown();
      }
    }
  }

  /** The configuration's vigil.serve, with the command line's overrides. */
  private ServeSettings settings(Config config, LiveRun run) {
    ServeSettings s = ServeSettings.from(config, run.paths);
    if (host != null || port != null) {
      s = s.listeningOn(host != null ? host : s.host(), port != null ? port : s.port());
    }
    if (tokenFile != null) {
      s = s.withTokenFile(tokenFile);
    }
    return s;
  }

  /** What the routes work with, from a started run. */
  static ServiceContext context(LiveRun run, ServeSettings settings) {
    Preprocessing defaults = SourceSpec.defaultPreprocessing(run.config);
    Path inbox = run.retrain.enabled() ? run.retrain.inbox() : null;
    LabelingQueue labeling =
        new LabelingQueue(
            run.model.input(),
            run.model.classNames(),
            inbox,
            LabelingSettings.from(run.config.getConfig("vigil.serve.labeling")));
    // Taps are additive and stay for the service's life: this runs once per service.
    run.live.tapFrames(labeling::frame);
    run.live.tapResults(labeling::result);
    return new ServiceContext(
        run.system,
        run.actors,
        run.live,
        run.journal,
        run.registry,
        settings,
        entry -> SourceSpec.from(entry, defaults, run.paths),
        run.labels,
        run.model.input(),
        run.model.classNames(),
        run.acceptedClassLists,
        inbox,
        labeling,
        run.trainingListeners);
  }

  /**
   * A random token, written (readable by the owner only) to {@code file} so that the person who
   * started vigil can use it.
   */
  static ApiToken madeToken(Path file) throws IOException {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".part");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return ApiToken.of(token);
  }
}

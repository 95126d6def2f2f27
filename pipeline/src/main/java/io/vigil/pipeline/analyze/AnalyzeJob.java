package io.vigil.pipeline.analyze;

import io.vigil.engine.model.Model;
import io.vigil.pipeline.stream.DecoderSource;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.stream.StreamItem;
import io.vigil.pipeline.video.DecodeReport;
import io.vigil.pipeline.video.LabelSidecar;
import io.vigil.pipeline.video.VideoDecoder;
import io.vigil.pipeline.video.VideoInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Offline analysis of one video file: the stream graph
 *
 * <pre>
 * decode + convert (blocking dispatcher)
 *   → groupedWithin(max-size, max-wait)
 *   → classify (the engine's own thread)
 *   → write JSON lines (blocking dispatcher)
 *   → tally
 * </pre>
 *
 * <p>Offline means no frame is ever dropped: every stage waits for the next one (backpressure), so
 * a slow engine slows the decoder. The results file appears only when the whole video has been
 * classified ({@link AtomicResultFile}); a failure leaves no partial output.
 */
public final class AnalyzeJob {

  private final ActorSystem<?> system;
  private final AnalyzeSettings settings;

  public AnalyzeJob(ActorSystem<?> system, AnalyzeSettings settings) {
    this.system = system;
    this.settings = settings;
  }

  /**
   * Analyses {@code video} with {@code model} and writes one JSON line per frame to {@code out}.
   *
   * @param labels the sidecar file of true labels per frame, or null when there is none
   * @throws VideoInputException when the video cannot be opened or read (nothing is written)
   * @throws IOException when the label file or the results cannot be read or written
   */
  public AnalyzeReport run(
      Path video, Model model, Path out, Path labels, ProgressListener progress)
      throws IOException {
    int[] trueLabels = labels == null ? new int[0] : LabelSidecar.read(labels);
    long started = System.nanoTime();
    VideoDecoder decoder = VideoDecoder.open(video);
    double durationMicros = decoder.info().durationMicros();
    String stream = video.getFileName().toString();
    Executor blocking =
        system
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(DecoderSource.BLOCKING_DISPATCHER));
    // The engine gets a thread of its own: its Predictor is not thread-safe, and it must never
    // run on the default dispatcher where it would starve the stream's own stages.
    ExecutorService engine = Executors.newSingleThreadExecutor(r -> new Thread(r, "vigil-engine"));
    CompletableFuture<DecodeReport> decodeReport = new CompletableFuture<>();
    RunTally tally = new RunTally(model.classNames().size(), trueLabels);
    ProgressThrottle throttle =
        new ProgressThrottle(progress, settings.progressInterval(), started, durationMicros);

    try (EngineClassifier classifier =
            new EngineClassifier(model, settings.maxBatch(), settings.topK());
        AtomicResultFile results = AtomicResultFile.create(out)) {
      DecoderSource.create(stream, () -> decoder, model.input(), true)
          .map(
              item -> {
                if (item instanceof StreamItem.End end) {
                  decodeReport.complete(end.decode());
                }
                return item;
              })
          .collectType(StreamItem.Frame.class)
          .groupedWithin(settings.maxBatch(), settings.maxWait())
          .mapAsync(
              1, batch -> CompletableFuture.supplyAsync(() -> classifier.classify(batch), engine))
          .mapAsync(
              1, batch -> CompletableFuture.supplyAsync(() -> write(results, batch), blocking))
          .runWith(
              Sink.fold(
                  tally,
                  (t, batch) -> {
                    t.add(batch);
                    throttle.update(t.frames(), batch.get(batch.size() - 1).ptsMicros());
                    return t;
                  }),
              system)
          .toCompletableFuture()
          .get();
      // The source's End marker carries the decoder's final report; it always comes last.
      DecodeReport decoded = decodeReport.getNow(null);
      if (decoded == null) {
        decoded = decoder.report();
      }
      results.commit();
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      throttle.finish(tally.frames());
      return new AnalyzeReport(
          video,
          results.target(),
          model.version(),
          tally.frames(),
          elapsed,
          decoded,
          model.classNames(),
          tally.perClass(),
          tally.labeled(),
          trueLabels.length,
          tally.labeled() > 0
              ? OptionalDouble.of((double) tally.correct() / tally.labeled())
              : OptionalDouble.empty());
    } catch (ExecutionException e) {
      throw rethrow(video, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("analysis of " + video + " was interrupted", e);
    } finally {
      engine.shutdownNow();
      // The stream's source closes the decoder when it ends; this covers a stream that never
      // started (e.g. the results file could not be created). Closing twice is harmless.
      decoder.close();
    }
  }

  private static List<FrameResult> write(AtomicResultFile results, List<FrameResult> batch) {
    try {
      results.write(batch);
      return batch;
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  /** Unwraps the stream's failure into the exception the caller should see. */
  private static IOException rethrow(Path video, Throwable cause) {
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof IOException io) {
      return io;
    }
    if (cause instanceof RuntimeException re) {
      throw re;
    }
    return new IOException("analysis of " + video + " failed: " + cause, cause);
  }
}

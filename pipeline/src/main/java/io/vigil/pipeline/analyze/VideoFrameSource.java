package io.vigil.pipeline.analyze;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.video.DecodeReport;
import io.vigil.pipeline.video.DecodedFrame;
import io.vigil.pipeline.video.FramePreprocessor;
import io.vigil.pipeline.video.VideoDecoder;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A stream of {@link FrameSample}s from an opened video: decodes a frame, converts it to the
 * model's input contract, emits it, and only then decodes the next (so backpressure from the engine
 * slows the decoder and no frame is dropped).
 *
 * <p>Decoding blocks, so the stage runs on {@code vigil.blocking-dispatcher}. When the stream ends,
 * for whatever reason, the decoder and the converter are closed and the decoder's report completes
 * {@code report}.
 */
final class VideoFrameSource {

  static final String BLOCKING_DISPATCHER = "vigil.blocking-dispatcher";

  private VideoFrameSource() {}

  static Source<FrameSample, NotUsed> create(
      VideoDecoder decoder, InputContract contract, CompletableFuture<DecodeReport> report) {
    return Source.<FrameSample, Session>unfoldResource(
            () -> new Session(decoder, new FramePreprocessor(contract), contract),
            Session::next,
            session -> report.complete(session.close()))
        .withAttributes(ActorAttributes.dispatcher(BLOCKING_DISPATCHER));
  }

  /** The decoder and the converter of one stream; used from one thread at a time. */
  private static final class Session {
    private final VideoDecoder decoder;
    private final FramePreprocessor preprocessor;
    private final int sampleSize;

    Session(VideoDecoder decoder, FramePreprocessor preprocessor, InputContract contract) {
      this.decoder = decoder;
      this.preprocessor = preprocessor;
      this.sampleSize = contract.size();
    }

    Optional<FrameSample> next() throws Exception {
      DecodedFrame frame = decoder.next();
      if (frame == null) {
        return Optional.empty();
      }
      float[] pixels = new float[sampleSize];
      preprocessor.toTensor(frame.frame(), pixels, 0);
      return Optional.of(
          new FrameSample(frame.index(), frame.ptsMicros(), System.nanoTime(), pixels));
    }

    DecodeReport close() throws Exception {
      try {
        preprocessor.close();
        return decoder.report();
      } finally {
        decoder.close();
      }
    }
  }
}

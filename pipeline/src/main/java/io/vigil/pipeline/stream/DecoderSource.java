package io.vigil.pipeline.stream;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.frame.WindowInput;
import io.vigil.pipeline.video.DecodedFrame;
import io.vigil.pipeline.video.FramePreprocessor;
import io.vigil.pipeline.video.VideoDecoder;
import io.vigil.pipeline.video.WindowPreprocessor;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.function.Creator;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.javadsl.Source;

/**
 * One stream's frames as {@link StreamItem}s: opens a decoder, decodes and converts one frame at a
 * time (so backpressure slows the decoder), and ends with one marker: {@link StreamItem.End} with
 * the decoder's report, or {@link StreamItem.Failed} when the input cannot be opened or read. The
 * failure stays inside this stream: the source completes normally after the marker, so the merged
 * pipeline goes on.
 *
 * <p>A live source may be told to shed frames ({@link DecodeOptions#shedding()}): those are decoded
 * (numbered, timed and paced as usual) but not converted, and travel on as frames without pixels
 * for the pipeline to count as dropped.
 *
 * <p>Opening and decoding block, so the stage runs on {@code vigil.blocking-dispatcher}; the
 * decoder and converter are closed when the source ends for whatever reason.
 */
public final class DecoderSource {

  /** The dispatcher for decoding and file writes. */
  public static final String BLOCKING_DISPATCHER = "vigil.blocking-dispatcher";

  private DecoderSource() {}

  /**
   * The frames of one stream, read as {@code options} say. A paced source sleeps (on its blocking
   * thread) until each frame's due time and stamps its capture time there, as a camera would; a
   * looping one reopens the input at its end and numbers frames on across loops.
   *
   * @param stream the stream's id, carried by every item
   * @param open opens the decoder (called on the blocking dispatcher when the stream starts)
   * @param contract the model's input contract
   */
  public static Source<StreamItem, NotUsed> create(
      String stream, Creator<VideoDecoder> open, InputContract contract, DecodeOptions options) {
    return Source.<StreamItem, Session>unfoldResource(
            () -> new Session(stream, open, contract, options), Session::next, Session::close)
        .withAttributes(ActorAttributes.dispatcher(BLOCKING_DISPATCHER));
  }

  /** {@link #create} whose failures become a {@link StreamItem.Failed} marker. */
  public static Source<StreamItem, NotUsed> failingSoftly(
      String stream, Creator<VideoDecoder> open, InputContract contract, DecodeOptions options) {
    return failingSoftly(create(stream, open, contract, options), stream);
  }

  /** {@code source} with its failure turned into a {@link StreamItem.Failed} marker. */
  public static Source<StreamItem, NotUsed> failingSoftly(
      Source<StreamItem, NotUsed> source, String stream) {
    return source.recover(
        new PFBuilder<Throwable, StreamItem>()
            .match(Exception.class, e -> new StreamItem.Failed(stream, e))
            .build());
  }

  /** The decoder and the converter of one stream; used from one thread at a time. */
  private static final class Session {
    private final String stream;
    private final Creator<VideoDecoder> open;
    private final InputContract contract;
    private final DecodeOptions options;
    private final Pacing pacing;
    private final int sampleSize;
    private VideoDecoder decoder;
    private FramePreprocessor preprocessor;
    private WindowPreprocessor windowPreprocessor;
    private boolean ended;
    private long index;
    private long loopStartNanos;
    private long firstPtsMicros = Long.MIN_VALUE;
    private long loopIndex;
    private long corruptCounted;

    Session(
        String stream, Creator<VideoDecoder> open, InputContract contract, DecodeOptions options) {
      this.stream = stream;
      this.open = open;
      this.contract = contract;
      this.options = options;
      this.pacing = options.pacing();
      this.sampleSize = contract.size();
    }

    Optional<StreamItem> next() throws Exception {
      if (ended) {
        return Optional.empty();
      }
      if (decoder == null) {
        // Opened on the first pull rather than in the resource's creation, so that a bad input
        // is an ordinary stream failure of this source (turned into a marker), not a stage that
        // failed to start.
        decoder = open.create();
        preprocessor = new FramePreprocessor(contract, options.preprocessing(), stream);
        if (options.windows() != null) {
          windowPreprocessor =
              new WindowPreprocessor(options.windows(), options.preprocessing().roi(), stream);
        }
      }
      // A frame the buffer would drop anyway is still decoded (later frames are predicted from it)
      // but not converted to pixels, preprocessed or copied.
      boolean shed = options.shedding() != null && options.shedding().shedNext();
      DecodedFrame frame = shed ? decoder.nextUnconverted() : decoder.next();
      if (frame == null && pacing.loop() && loopIndex > 0) {
        // Start again: a new decoder, and the clock restarts one frame interval later.
        countCorrupt(true);
        decoder.close();
        decoder = open.create();
        corruptCounted = 0;
        loopStartNanos = 0;
        loopIndex = 0;
        frame = shed ? decoder.nextUnconverted() : decoder.next();
      }
      if (frame == null) {
        ended = true;
        countCorrupt(true);
        return options.endMarker()
            ? Optional.of(new StreamItem.End(stream, decoder.report()))
            : Optional.empty();
      }
      countCorrupt(false);
      float[] pixels = null;
      WindowInput windows = null;
      if (!shed) {
        pixels = new float[sampleSize];
        preprocessor.toTensor(frame.frame(), pixels, 0);
        windows = windowPreprocessor == null ? null : windowPreprocessor.toInput(frame.frame());
      }
      // A shed frame keeps its place in time: a paced file must not play faster for it.
      if (pacing.paced()) {
        waitUntilDue(frame.ptsMicros());
      }
      loopIndex++;
      return Optional.of(
          new StreamItem.Frame(
              stream,
              index++,
              frame.ptsMicros(),
              System.nanoTime(),
              System.currentTimeMillis(),
              pixels,
              options.keepImages() && !shed ? frame.frame().clone() : null,
              windows));
    }

    /**
     * Tells the options' counter of the corrupt frames the decoder met since the last call: damaged
     * frames and decode errors as they come, and once the input has ended the frames its report
     * estimates lost (only then is that estimate final).
     */
    private void countCorrupt(boolean inputEnded) {
      if (options.corruptFrames() == null) {
        return;
      }
      long corrupt = decoder.damagedFrames() + decoder.decodeErrors();
      if (inputEnded) {
        corrupt += decoder.report().framesLost();
      }
      if (corrupt > corruptCounted) {
        options.corruptFrames().accept(corrupt - corruptCounted);
        corruptCounted = corrupt;
      }
    }

    /**
     * Sleeps until the frame's due time: its timestamp's offset from the loop's first frame, or its
     * position × 1/fps with a fixed rate.
     */
    private void waitUntilDue(long ptsMicros) throws InterruptedException {
      long now = System.nanoTime();
      if (loopStartNanos == 0) {
        loopStartNanos = now;
        firstPtsMicros = ptsMicros;
      }
      long offsetNanos =
          pacing.fps() > 0
              ? (long) (loopIndex * 1e9 / pacing.fps())
              : (ptsMicros - firstPtsMicros) * 1000;
      long sleep = loopStartNanos + offsetNanos - now;
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      }
    }

    void close() throws Exception {
      try {
        if (preprocessor != null) {
          preprocessor.close();
        }
        if (windowPreprocessor != null) {
          windowPreprocessor.close();
        }
      } finally {
        if (decoder != null) {
          decoder.close();
        }
      }
    }
  }
}

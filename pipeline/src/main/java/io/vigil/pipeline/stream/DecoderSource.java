package io.vigil.pipeline.stream;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.video.DecodedFrame;
import io.vigil.pipeline.video.FramePreprocessor;
import io.vigil.pipeline.video.VideoDecoder;
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
 * <p>Opening and decoding block, so the stage runs on {@code vigil.blocking-dispatcher}; the
 * decoder and converter are closed when the source ends for whatever reason.
 */
public final class DecoderSource {

  /** The dispatcher for decoding and file writes. */
  public static final String BLOCKING_DISPATCHER = "vigil.blocking-dispatcher";

  private DecoderSource() {}

  /**
   * @param stream the stream's id, carried by every item
   * @param open opens the decoder (called on the blocking dispatcher when the stream starts)
   * @param contract the model's input contract
   * @param endMarker whether to emit {@link StreamItem.End} at the end (a reconnecting live source
   *     emits its own)
   */
  public static Source<StreamItem, NotUsed> create(
      String stream, Creator<VideoDecoder> open, InputContract contract, boolean endMarker) {
    return create(stream, open, contract, Pacing.NONE, endMarker);
  }

  /**
   * {@link #create(String, Creator, InputContract, boolean)} with pacing: a paced source sleeps (on
   * its blocking thread) until each frame's due time and stamps its capture time there, as a camera
   * would; a looping one reopens the input at its end and numbers frames on across loops.
   */
  public static Source<StreamItem, NotUsed> create(
      String stream,
      Creator<VideoDecoder> open,
      InputContract contract,
      Pacing pacing,
      boolean endMarker) {
    return create(stream, open, contract, pacing, endMarker, false);
  }

  /** As above; with {@code keepImages} every frame also carries a copy of its decoded picture. */
  public static Source<StreamItem, NotUsed> create(
      String stream,
      Creator<VideoDecoder> open,
      InputContract contract,
      Pacing pacing,
      boolean endMarker,
      boolean keepImages) {
    return Source.<StreamItem, Session>unfoldResource(
            () -> new Session(stream, open, contract, pacing, endMarker, keepImages),
            Session::next,
            Session::close)
        .withAttributes(ActorAttributes.dispatcher(BLOCKING_DISPATCHER));
  }

  /** {@link #create} whose failures become a {@link StreamItem.Failed} marker. */
  public static Source<StreamItem, NotUsed> failingSoftly(
      String stream, Creator<VideoDecoder> open, InputContract contract) {
    return failingSoftly(create(stream, open, contract, true), stream);
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
    private VideoDecoder decoder;
    private FramePreprocessor preprocessor;
    private final int sampleSize;
    private final boolean endMarker;
    private final Pacing pacing;
    private final boolean keepImages;
    private boolean ended;
    private long index;
    private long loopStartNanos;
    private long firstPtsMicros = Long.MIN_VALUE;
    private long loopIndex;

    Session(
        String stream,
        Creator<VideoDecoder> open,
        InputContract contract,
        Pacing pacing,
        boolean endMarker,
        boolean keepImages) {
      this.stream = stream;
      this.keepImages = keepImages;
      this.open = open;
      this.contract = contract;
      this.pacing = pacing;
      this.sampleSize = contract.size();
      this.endMarker = endMarker;
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
        preprocessor = new FramePreprocessor(contract);
      }
      DecodedFrame frame = decoder.next();
      if (frame == null && pacing.loop() && loopIndex > 0) {
        // Start again: a new decoder, and the clock restarts one frame interval later.
        decoder.close();
        decoder = open.create();
        loopStartNanos = 0;
        loopIndex = 0;
        frame = decoder.next();
      }
      if (frame == null) {
        ended = true;
        return endMarker
            ? Optional.of(new StreamItem.End(stream, decoder.report()))
            : Optional.empty();
      }
      float[] pixels = new float[sampleSize];
      preprocessor.toTensor(frame.frame(), pixels, 0);
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
              keepImages ? frame.frame().clone() : null));
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
      } finally {
        if (decoder != null) {
          decoder.close();
        }
      }
    }
  }
}

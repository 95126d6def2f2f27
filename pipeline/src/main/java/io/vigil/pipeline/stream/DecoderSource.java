package io.vigil.pipeline.stream;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.frame.PixelLease;
import io.vigil.pipeline.frame.PixelPool;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.frame.WindowInput;
import io.vigil.pipeline.video.DecodedFrame;
import io.vigil.pipeline.video.FramePreprocessor;
import io.vigil.pipeline.video.FrameScaler;
import io.vigil.pipeline.video.FrameSkipping;
import io.vigil.pipeline.video.PictureFormat;
import io.vigil.pipeline.video.VideoDecoder;
import io.vigil.pipeline.video.WindowPreprocessor;
import java.util.ArrayDeque;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.function.Creator;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.javadsl.Source;
import org.bytedeco.ffmpeg.avutil.AVFrame;

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
 * <p>A converted frame's pixels come from the stream's {@link PixelPool}: whoever copies them into
 * a batch or drops the frame releases them ({@link StreamItem.Frame#releasePixels}), and the next
 * frames reuse the buffer, so a steady stream allocates no pixel buffer per frame.
 *
 * <p>Opening and decoding block, so the stage runs on {@code vigil.blocking-dispatcher}; the
 * decoder and converter are closed when the source ends for whatever reason.
 */
public final class DecoderSource {

  /** The dispatcher for decoding and file writes. */
  public static final String BLOCKING_DISPATCHER = "vigil.blocking-dispatcher";

  /** Free pixel buffers a stream keeps at most (see {@link PixelPool}). */
  static final int POOLED_FRAMES = 16;

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

    /** Frames skipped in one gap beyond which a timestamp jump is taken for a jump, not skips. */
    private static final long MAX_SKIPPED_IN_ONE_GAP = 10_000;

    private final String stream;
    private final Creator<VideoDecoder> open;
    private final InputContract contract;
    private final DecodeOptions options;
    private final Pacing pacing;
    private final int sampleSize;

    /**
     * This stream's pixel buffers. A frame's buffer comes back once it is copied into a batch or
     * dropped, so a stream keeps only as many as it has frames in flight; 16 covers a full
     * real-time buffer's share and the batches in flight.
     */
    private final PixelPool pixelPool;

    /** A live source's schedule, read from its timestamps (for lag shedding). */
    private final LiveSchedule live = new LiveSchedule();

    /** Items made and not yet handed out: frames the decoder skipped, then the frame after them. */
    private final ArrayDeque<StreamItem> ready = new ArrayDeque<>();

    private VideoDecoder decoder;
    private FrameScaler scaler;
    private FramePreprocessor preprocessor;
    private WindowPreprocessor windowPreprocessor;
    private boolean ended;
    private long index;
    private long loopStartNanos;
    private long firstPtsMicros = Long.MIN_VALUE;
    private long loopIndex;
    private long corruptCounted;
    private double nativeFps;
    private long lastPtsMicros = Long.MIN_VALUE;
    private FrameSkipping skipping = FrameSkipping.NONE;

    Session(
        String stream, Creator<VideoDecoder> open, InputContract contract, DecodeOptions options) {
      this.stream = stream;
      this.open = open;
      this.contract = contract;
      this.options = options;
      this.pacing = options.pacing();
      this.sampleSize = contract.size();
      this.pixelPool = new PixelPool(sampleSize, POOLED_FRAMES);
    }

    Optional<StreamItem> next() throws Exception {
      if (!ready.isEmpty()) {
        return Optional.of(ready.remove());
      }
      if (ended) {
        return Optional.empty();
      }
      if (decoder == null) {
        // Opened on the first pull rather than in the resource's creation, so that a bad input
        // is an ordinary stream failure of this source (turned into a marker), not a stage that
        // failed to start.
        openDecoder();
        if (options.pictureFormat() == PictureFormat.NATIVE) {
          scaler = new FrameScaler(contract, options.preprocessing(), stream);
        }
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
        queueSkippedAtEnd();
        countCorrupt(true);
        decoder.close();
        openDecoder();
        corruptCounted = 0;
        loopStartNanos = 0;
        loopIndex = 0;
        frame = shed ? decoder.nextUnconverted() : decoder.next();
      }
      if (frame == null) {
        ended = true;
        queueSkippedAtEnd();
        countCorrupt(true);
        if (options.endMarker()) {
          ready.add(new StreamItem.End(stream, decoder.report()));
        }
        return Optional.ofNullable(ready.poll());
      }
      countCorrupt(false);
      long captured = System.nanoTime();
      boolean late = false;
      if (pacing.paced()) {
        queueSkipped(frame.ptsMicros());
        // A paced source plays a camera: the frame was captured when it is due, however late
        // decoding delivers it, so its latency counts from then.
        captured = dueNanos(frame.ptsMicros());
        long lag = System.nanoTime() - captured;
        late = options.lag() != null && lag > options.lag().maxLag().toNanos();
        catchUp(lag);
      } else if (options.lag() != null) {
        // A live source: its frames left the camera on the schedule their timestamps keep, so
        // one that arrives later than that has waited behind decoding (or a stalled network).
        queueSkipped(frame.ptsMicros());
        long lag = live.lagNanos(captured, frame.ptsMicros());
        late = lag > options.lag().maxLag().toNanos();
        catchUp(lag);
      }
      PixelLease lease = null;
      WindowInput windows = null;
      if (!shed && !late) {
        lease = pixelPool.take();
        toTensor(frame, lease.pixels());
        windows = windowPreprocessor == null ? null : windowPreprocessor.toInput(frame.frame());
      }
      // A shed frame keeps its place in time: a paced file must not play faster for it.
      if (pacing.paced()) {
        sleepUntil(captured);
      }
      loopIndex++;
      lastPtsMicros = frame.ptsMicros();
      ready.add(
          new StreamItem.Frame(
              stream,
              index++,
              frame.ptsMicros(),
              captured,
              millisAt(captured),
              lease == null ? null : lease.pixels(),
              options.keepImages() && lease != null ? frame.frame().clone() : null,
              windows,
              late,
              lease));
      return Optional.of(ready.remove());
    }

    private void openDecoder() throws Exception {
      decoder = open.create();
      nativeFps = decoder.info().frameRate();
      lastPtsMicros = Long.MIN_VALUE;
      skipping = FrameSkipping.NONE;
    }

    /**
     * While the decoder skips frames, the frames it left out between the last one delivered and
     * this one (known from the timestamps and the stream's typical frame step): each goes on as a
     * frame without pixels, numbered and timed in its place, and is counted late.
     */
    private void queueSkipped(long ptsMicros) {
      if (skipping == FrameSkipping.NONE || lastPtsMicros == Long.MIN_VALUE) {
        return;
      }
      double step = decoder.typicalFrameStepMicros();
      if (!(step > 0)) {
        return;
      }
      long skipped = Math.round((ptsMicros - lastPtsMicros) / step) - 1;
      if (skipped <= 0 || skipped > MAX_SKIPPED_IN_ONE_GAP) {
        return;
      }
      for (long k = 1; k <= skipped; k++) {
        long pts = lastPtsMicros + Math.round(k * step);
        long due = pacing.paced() ? dueNanos(pts) : live.onScheduleNanos(pts);
        ready.add(StreamItem.Frame.late(stream, index++, pts, due, millisAt(due)));
        loopIndex++;
      }
    }

    /**
     * When the input ends while the decoder skips frames, the frames it skipped after the last one
     * delivered (the decoder estimates them from the headers), counted late like the others.
     */
    private void queueSkippedAtEnd() {
      long skipped = Math.min(decoder.framesSkippedAtEnd(), MAX_SKIPPED_IN_ONE_GAP);
      double step = decoder.typicalFrameStepMicros();
      if (skipped > 0 && lastPtsMicros != Long.MIN_VALUE && step > 0) {
        queueSkipped(lastPtsMicros + Math.round((skipped + 1) * step));
      }
    }

    /**
     * Has the decoder skip frames while the source is behind: frames nothing refers to once it is
     * past its maximum lag, everything but key frames once ten times past it, and nothing again
     * once it is back within a frame interval of its schedule.
     */
    private void catchUp(long lagNanos) {
      if (options.lag() == null) {
        return;
      }
      long maxLag = options.lag().maxLag().toNanos();
      FrameSkipping wanted = skipping;
      if (lagNanos > 10 * maxLag) {
        wanted = FrameSkipping.NON_KEY;
      } else if (lagNanos > maxLag && skipping == FrameSkipping.NONE) {
        wanted = FrameSkipping.NON_REFERENCE;
      } else if (lagNanos < frameIntervalNanos()) {
        wanted = FrameSkipping.NONE;
      }
      if (wanted != skipping) {
        decoder.skipFrames(wanted);
        skipping = wanted;
      }
    }

    private long frameIntervalNanos() {
      double fps = pacing.fps() > 0 ? pacing.fps() : nativeFps;
      return fps > 0 ? (long) (1e9 / fps) : options.lag().maxLag().toNanos();
    }

    /**
     * When the frame is due: its timestamp's offset from the loop's first frame, or its position ×
     * 1/fps with a fixed rate, from the moment the loop's first frame was read.
     */
    private long dueNanos(long ptsMicros) {
      if (loopStartNanos == 0) {
        loopStartNanos = System.nanoTime();
        firstPtsMicros = ptsMicros;
      }
      long offsetNanos =
          pacing.fps() > 0
              ? (long) (loopIndex * 1e9 / pacing.fps())
              : (ptsMicros - firstPtsMicros) * 1000;
      return loopStartNanos + offsetNanos;
    }

    private static void sleepUntil(long dueNanos) throws InterruptedException {
      long sleep = dueNanos - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      }
    }

    /** The wall-clock time, in milliseconds, of the {@link System#nanoTime()} moment {@code at}. */
    private static long millisAt(long at) {
      return System.currentTimeMillis() - (System.nanoTime() - at) / 1_000_000;
    }

    /**
     * The frame as model input: scaled by FFmpeg straight from the decoded picture where the stream
     * needs no full-size picture, else (annotated videos, sliding windows, or a source that hands
     * over images only) through OpenCV from the BGR image.
     */
    private void toTensor(DecodedFrame frame, float[] pixels) {
      AVFrame picture = frame.picture();
      if (scaler != null && picture != null) {
        scaler.toTensor(picture, pixels, 0);
        return;
      }
      if (preprocessor == null) {
        preprocessor = new FramePreprocessor(contract, options.preprocessing(), stream);
      }
      preprocessor.toTensor(frame.frame(), pixels, 0);
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
        // (Frames the decoder skipped to catch up are not among them: they are counted late.)
        corrupt += decoder.report().framesLost();
      }
      if (corrupt > corruptCounted) {
        options.corruptFrames().accept(corrupt - corruptCounted);
        corruptCounted = corrupt;
      }
    }

    void close() throws Exception {
      try {
        if (scaler != null) {
          scaler.close();
        }
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

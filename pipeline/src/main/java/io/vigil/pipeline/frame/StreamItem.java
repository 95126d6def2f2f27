package io.vigil.pipeline.frame;

import io.vigil.pipeline.result.DecodeReport;

/**
 * What flows from the sources of a multi-stream pipeline into its one batcher: the frames of every
 * stream, each tagged with its stream's id, and one closing marker per stream ({@link End} when the
 * stream finished, {@link Failed} when it could not go on). Within a stream, items keep their order
 * from source to sink; the marker is always a stream's last item.
 */
public sealed interface StreamItem {

  /** The id of the stream this item belongs to. */
  String stream();

  /**
   * One decoded frame, converted to the model's input contract.
   *
   * @param stream the stream's id
   * @param index 0-based position among the frames the stream's decoder delivered
   * @param ptsMicros presentation timestamp in microseconds
   * @param capturedAtNanos {@link System#nanoTime()} when the frame was captured (live or paced
   *     sources) or left the decoder (files read as fast as possible); latency starts here
   * @param capturedAtMillis wall-clock time of the same moment, for the results file
   * @param pixels {@code contract.size()} normalised floats, CHW; null for a frame the source shed:
   *     decoded but not converted, because the real-time buffer would drop it anyway (see {@link
   *     #converted()})
   * @param image a copy of the decoded picture, kept only for streams that write an annotated video
   *     (null otherwise); whoever consumes or drops the frame closes it
   * @param windows the frame prepared for sliding-window scoring, or null when not asked for
   * @param late whether the source shed the frame because it had fallen behind real time (then it
   *     carries no pixels; it may not even have been decoded)
   * @param lease the holders of {@code pixels} when they came from a {@link PixelPool}, else null.
   *     The pipeline holds it once: the stage that copies the pixels into a batch, or drops the
   *     frame, {@link #releasePixels releases} it; a tap that keeps the pixels past its call {@link
   *     #retainPixels retains} them
   */
  record Frame(
      String stream,
      long index,
      long ptsMicros,
      long capturedAtNanos,
      long capturedAtMillis,
      float[] pixels,
      org.bytedeco.javacv.Frame image,
      WindowInput windows,
      boolean late,
      PixelLease lease)
      implements StreamItem {

    public Frame {
      if (lease != null && lease.pixels() != pixels) {
        throw new IllegalArgumentException(
            "frame " + index + " of " + stream + ": the lease holds other pixels than the frame's");
      }
    }

    /** A frame whose pixels are its own (not pooled). */
    public Frame(
        String stream,
        long index,
        long ptsMicros,
        long capturedAtNanos,
        long capturedAtMillis,
        float[] pixels,
        org.bytedeco.javacv.Frame image,
        WindowInput windows,
        boolean late) {
      this(
          stream,
          index,
          ptsMicros,
          capturedAtNanos,
          capturedAtMillis,
          pixels,
          image,
          windows,
          late,
          null);
    }

    /** A frame in time, or shed for another reason than lateness. */
    public Frame(
        String stream,
        long index,
        long ptsMicros,
        long capturedAtNanos,
        long capturedAtMillis,
        float[] pixels,
        org.bytedeco.javacv.Frame image,
        WindowInput windows) {
      this(
          stream,
          index,
          ptsMicros,
          capturedAtNanos,
          capturedAtMillis,
          pixels,
          image,
          windows,
          false);
    }

    /** A frame shed because its source had fallen behind real time: no pixels, counted late. */
    public static Frame late(
        String stream, long index, long ptsMicros, long capturedAtNanos, long capturedAtMillis) {
      return new Frame(
          stream, index, ptsMicros, capturedAtNanos, capturedAtMillis, null, null, null, true);
    }

    /** A frame without window input. */
    public Frame(
        String stream,
        long index,
        long ptsMicros,
        long capturedAtNanos,
        long capturedAtMillis,
        float[] pixels,
        org.bytedeco.javacv.Frame image) {
      this(stream, index, ptsMicros, capturedAtNanos, capturedAtMillis, pixels, image, null);
    }

    /** The same frame under another index (a live source numbers frames on across reconnects). */
    public Frame withIndex(long newIndex) {
      return new Frame(
          stream,
          newIndex,
          ptsMicros,
          capturedAtNanos,
          capturedAtMillis,
          pixels,
          image,
          windows,
          late,
          lease);
    }

    /** A frame without a kept picture. */
    public Frame(
        String stream,
        long index,
        long ptsMicros,
        long capturedAtNanos,
        long capturedAtMillis,
        float[] pixels) {
      this(stream, index, ptsMicros, capturedAtNanos, capturedAtMillis, pixels, null);
    }

    /**
     * Whether the frame was converted to the model's input. A shed frame (not converted) still
     * travels as far as the real-time pipeline's entry, so that frame selection (every n-th, a
     * maximum rate) treats it like any other, and is counted there as dropped before conversion.
     */
    public boolean converted() {
      return pixels != null;
    }

    /** Releases the kept picture, if any. */
    public void releaseImage() {
      if (image != null) {
        image.close();
      }
    }

    /**
     * The pipeline's hold on the pixels ends: called once, by the stage that copied them into a
     * batch or dropped the frame. Pooled pixels may be overwritten by a later frame afterwards.
     */
    public void releasePixels() {
      if (lease != null) {
        lease.release();
      }
    }

    /** Releases what the frame holds: its kept picture and its pixels. */
    public void release() {
      releaseImage();
      releasePixels();
    }

    /**
     * A hold of its own on the pixels, for a tap that keeps them past its call: read them through
     * the lease and release it when done. Null for a frame without pixels.
     */
    public PixelLease retainPixels() {
      if (pixels == null) {
        return null;
      }
      return lease != null ? lease.retain() : PixelLease.unpooled(pixels);
    }
  }

  /** The stream ended normally; {@code decode} says what its decoder met (null if unknown). */
  record End(String stream, DecodeReport decode) implements StreamItem {}

  /** The stream could not go on; {@code error} names the input and what is wrong with it. */
  record Failed(String stream, Throwable error) implements StreamItem {}
}

package io.vigil.pipeline.video;

import io.vigil.pipeline.result.DecodeReport;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacv.Frame;

/**
 * One decoded video frame.
 *
 * <p>{@code index} counts delivered frames from 0 (a frame FFmpeg could not decode gets no index).
 * {@code ptsMicros} is the presentation time in microseconds, from FFmpeg's timestamp; where that
 * is missing or does not increase it is repaired (see {@link DecodeReport#timestampsRepaired()}),
 * so it always increases from frame to frame.
 *
 * <p>{@code frame} belongs to the decoder and is <b>valid only until the next call to {@link
 * VideoDecoder#next()} or {@link VideoDecoder#close()}</b>: the grabber decodes every frame into
 * the same buffer. Copy it ({@code frame.clone()}, or {@link FramePreprocessor#toTensor}) to keep
 * anything from it. From a decoder opened for {@link PictureFormat#BGR} (the default) it holds
 * 8-bit BGR pixels, three channels; for {@link PictureFormat#NATIVE}, read {@link #picture()}
 * instead.
 */
public record DecodedFrame(long index, long ptsMicros, Frame frame) {

  /**
   * The decoded picture as FFmpeg holds it (its pixel format, planes and strides), valid as long as
   * the frame; null for a frame decoded without conversion from a {@link PictureFormat#BGR}
   * decoder.
   */
  public AVFrame picture() {
    return frame.opaque instanceof AVFrame picture ? picture : null;
  }
}

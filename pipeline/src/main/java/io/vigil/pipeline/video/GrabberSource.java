package io.vigil.pipeline.video;

import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/** A started {@link FFmpegFrameGrabber} as a {@link FrameSource}, and what its headers claim. */
final class GrabberSource implements FrameSource {

  /** FFmpeg's {@code AV_FRAME_FLAG_CORRUPT}: the decoder concealed errors in this frame. */
  private static final int AV_FRAME_FLAG_CORRUPT = 1;

  private final FFmpegFrameGrabber grabber;
  private final AVStream video;
  private final FfmpegLog.Watch warnings;
  private final PictureFormat format;
  private boolean lastDamaged;

  /** Sets up a grabber, before it starts, to hand over pictures in {@code format}. */
  static void prepare(FFmpegFrameGrabber grabber, PictureFormat format) {
    if (format == PictureFormat.NATIVE) {
      // RAW: the grabber skips its own swscale pass and leaves the decoded AVFrame in opaque.
      grabber.setImageMode(FrameGrabber.ImageMode.RAW);
    }
  }

  /** Wraps a started grabber that has a video stream, prepared for {@code format}. */
  GrabberSource(FFmpegFrameGrabber grabber, PictureFormat format) {
    this.grabber = grabber;
    this.format = format;
    this.video = firstVideoStream(grabber.getFormatContext());
    this.warnings = FfmpegLog.watch(grabber);
  }

  @Override
  public Frame grabImage() throws Exception {
    Frame frame = grabber.grabImage();
    noteDamage(frame);
    if (format == PictureFormat.BGR && frame != null && frame.image != null) {
      // The grabber converts to BGR24 (its default for colour), but it derives the channel count
      // from the row stride (stride / width): its rows are padded to 64 pixels, so frames 65–96,
      // 129–144 (or ≤ 48) pixels wide come out as "4 channels" over 3-channel rows, and every
      // reader of the frame would see skewed pixels. The format is known; say it.
      frame.imageChannels = 3;
    }
    return frame;
  }

  /**
   * Decodes without the conversion to BGR ({@code doProcessing = false}: no scaling or pixel-format
   * conversion by swscale). Decoding itself cannot be skipped: in inter-coded video (P and B
   * frames) later frames are predicted from this one, so skipping its decode would break every
   * frame that refers to it until the next key frame.
   */
  @Override
  public Frame grabUnconverted() throws Exception {
    if (format == PictureFormat.NATIVE) {
      // Nothing to skip: a native picture is handed over as decoded.
      return grabImage();
    }
    Frame frame = grabber.grabFrame(false, true, false, false, false);
    noteDamage(frame);
    return frame;
  }

  @Override
  public void skipFrames(FrameSkipping level) {
    AVCodecContext codec = FfmpegLog.codecContext(grabber);
    if (codec == null) {
      return; // a JavaCV that renamed its codec context: decode every frame, as before
    }
    codec.skip_frame(
        switch (level) {
          case NONE -> avcodec.AVDISCARD_DEFAULT;
          case NON_REFERENCE -> avcodec.AVDISCARD_NONREF;
          case NON_KEY -> avcodec.AVDISCARD_NONKEY;
        });
  }

  /** The grabber leaves the decoded AVFrame in opaque; its flags carry FFmpeg's damage verdict. */
  private void noteDamage(Frame frame) {
    lastDamaged =
        frame != null
            && frame.opaque instanceof AVFrame decoded
            && ((decoded.flags() & AV_FRAME_FLAG_CORRUPT) != 0
                || decoded.decode_error_flags() != 0);
  }

  @Override
  public boolean lastFrameDamaged() {
    return lastDamaged;
  }

  @Override
  public long ffmpegWarnings() {
    return warnings.warnings();
  }

  @Override
  public void close() throws Exception {
    try {
      grabber.close();
    } finally {
      // After the grabber: closing still logs for its contexts, and the mark must outlive them.
      warnings.close();
    }
  }

  VideoInfo info() {
    long duration = grabber.getFormatContext().duration();
    return new VideoInfo(
        grabber.getVideoCodecName(),
        grabber.getImageWidth(),
        grabber.getImageHeight(),
        frameRate(),
        video == null ? 0 : Math.max(0, video.nb_frames()),
        duration == avutil.AV_NOPTS_VALUE ? 0 : Math.max(0, duration));
  }

  /**
   * The latest end time the headers claim, in the grabber's timestamp scale (which includes the
   * container's start time), or {@link Long#MIN_VALUE} if they claim none. See {@link
   * FrameTimeline} for why the frame count counts only as a time span.
   */
  long claimedEndMicros() {
    AVFormatContext format = grabber.getFormatContext();
    long start = format.start_time() == avutil.AV_NOPTS_VALUE ? 0 : format.start_time();
    long end = Long.MIN_VALUE;
    if (format.duration() != avutil.AV_NOPTS_VALUE && format.duration() > 0) {
      end = start + format.duration();
    }
    if (video != null) {
      AVRational tb = video.time_base();
      if (video.duration() != avutil.AV_NOPTS_VALUE && video.duration() > 0 && tb.den() > 0) {
        long streamStart =
            video.start_time() == avutil.AV_NOPTS_VALUE
                ? start
                : Math.round(video.start_time() * 1e6 * tb.num() / tb.den());
        end = Math.max(end, streamStart + Math.round(video.duration() * 1e6 * tb.num() / tb.den()));
      }
      double rate = frameRate();
      if (video.nb_frames() > 0 && rate > 0) {
        end = Math.max(end, start + Math.round(video.nb_frames() * 1e6 / rate));
      }
    }
    return end;
  }

  private double frameRate() {
    double rate = grabber.getVideoFrameRate();
    return Double.isFinite(rate) && rate > 0 ? rate : 0;
  }

  private static AVStream firstVideoStream(AVFormatContext format) {
    // The same choice the grabber makes: the first stream of video type.
    for (int i = 0; i < format.nb_streams(); i++) {
      AVStream stream = format.streams(i);
      if (stream.codecpar().codec_type() == avutil.AVMEDIA_TYPE_VIDEO) {
        return stream;
      }
    }
    return null;
  }
}

package io.vigil.pipeline.video;

import io.vigil.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Writes labeled frames as a labeled clip ({@code CLIP.mkv} and its {@code CLIP.mkv.labels.csv}),
 * losslessly (FFV1 in Matroska), so that frames a running stream saw at the model's input size
 * become training data the clip inbox takes like any other clip ({@link LabeledClips} reads them
 * back pixel for pixel). The video is written under a temporary name and renamed, the sidecar after
 * it, so an inbox never sees half a clip.
 */
public final class LabeledClipWriter {

  private LabeledClipWriter() {}

  /**
   * Writes {@code frames} (each {@code channels × height × width} bytes, CHW, 0 = black; gray when
   * {@code channels} is 1, R, G, B planes when 3) with their {@code labels} (indices into {@code
   * classNames}) at {@code fps}.
   *
   * @throws IllegalArgumentException when a frame has the wrong size or there is none
   */
  public static void write(
      Path clip,
      List<byte[]> frames,
      int channels,
      int height,
      int width,
      int[] labels,
      List<String> classNames,
      double fps)
      throws IOException {
    if (frames.isEmpty() || frames.size() != labels.length) {
      throw new IllegalArgumentException(
          "labeled clip "
              + clip
              + ": "
              + frames.size()
              + " frames for "
              + labels.length
              + " labels");
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(
          "labeled clip " + clip + ": channels must be 1 or 3, got " + channels);
    }
    Path temp = AtomicFiles.tempBeside(clip);
    try {
      encode(temp, frames, channels, height, width, fps);
      AtomicFiles.commit(temp, clip);
    } catch (IOException | RuntimeException e) {
      AtomicFiles.discard(temp, e);
      throw e;
    }
    LabelSidecar.write(LabelSidecar.pathFor(clip), labels, classNames);
  }

  private static void encode(
      Path temp, List<byte[]> frames, int channels, int height, int width, double fps)
      throws IOException {
    int plane = height * width;
    try (Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, channels);
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(temp.toFile(), width, height, 0)) {
      recorder.setFormat("matroska");
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_FFV1);
      recorder.setPixelFormat(channels == 1 ? avutil.AV_PIX_FMT_GRAY8 : avutil.AV_PIX_FMT_BGR0);
      recorder.setFrameRate(fps);
      recorder.start();
      ByteBuffer pixels = (ByteBuffer) frame.image[0];
      byte[] row = new byte[width * channels];
      for (byte[] image : frames) {
        if (image.length != channels * plane) {
          throw new IllegalArgumentException(
              "labeled clip: a frame of " + image.length + " bytes, expected " + channels * plane);
        }
        for (int y = 0; y < height; y++) {
          if (channels == 1) {
            System.arraycopy(image, y * width, row, 0, width);
          } else {
            // CHW RGB planes to the interleaved BGR the recorder takes.
            for (int x = 0; x < width; x++) {
              row[3 * x] = image[2 * plane + y * width + x];
              row[3 * x + 1] = image[plane + y * width + x];
              row[3 * x + 2] = image[y * width + x];
            }
          }
          // The frame's rows may be padded: copy row by row at its stride.
          pixels.put(y * frame.imageStride, row, 0, row.length);
        }
        recorder.record(frame, channels == 1 ? avutil.AV_PIX_FMT_GRAY8 : avutil.AV_PIX_FMT_BGR24);
      }
      recorder.stop();
    }
  }
}

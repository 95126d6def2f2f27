package io.vigil.pipeline.video;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Clips in the formats cameras send (H.264 and H.265 at 1080p and 720p, 10-bit, sizes that are not
 * multiples of 16 or not even, B-frames, a variable frame rate), made from {@code vtest.avi} by the
 * {@code ffmpeg} command line (Debian's, with libx264 and libx265) the first time a test asks, and
 * kept under {@code target/camera-clips} for the next run. Each clip is the first {@value #FRAMES}
 * frames of the sample.
 */
public final class CameraClips {

  /** Frames in every clip. */
  public static final int FRAMES = 24;

  private static final Path DIR = Path.of("target", "camera-clips");

  /** One clip: its file name and the encoder arguments that make it. */
  public enum Clip {
    /** H.264 High profile 1920×1080, 4:2:0, two B-frames between references. */
    H264_1080P(
        "h264-1080p.mp4", "scale=1920:1080", "-c:v", "libx264", "-bf", "2", "-pix_fmt", "yuv420p"),
    /** H.264 1280×720. */
    H264_720P("h264-720p.mp4", "scale=1280:720", "-c:v", "libx264", "-pix_fmt", "yuv420p"),
    /** H.265 Main 1920×1080. */
    H265_1080P("h265-1080p.mp4", "scale=1920:1080", "-c:v", "libx265", "-pix_fmt", "yuv420p"),
    /** H.265 Main 10 1280×720: 10-bit samples (yuv420p10le). */
    H265_720P_10BIT(
        "h265-720p-10bit.mkv", "scale=1280:720", "-c:v", "libx265", "-pix_fmt", "yuv420p10le"),
    /** H.264 1366×766: not a multiple of 16, so the decoder crops its coded picture. */
    H264_ODD_MACROBLOCKS(
        "h264-1366x766.mp4", "scale=1366:766", "-c:v", "libx264", "-pix_fmt", "yuv420p"),
    /** H.264 4:4:4 at 721×405: odd width and height. */
    H264_ODD_SIZE("h264-721x405.mp4", "scale=721:405", "-c:v", "libx264", "-pix_fmt", "yuv444p"),
    /** H.264 720p whose frames are 60 to 160 ms apart: a variable frame rate, with B-frames. */
    H264_VFR(
        "h264-720p-vfr.mkv",
        "scale=1280:720,settb=1/1000,setpts=(N*100+mod(N*37\\,61))/1000/TB",
        "-c:v",
        "libx264",
        "-bf",
        "2",
        "-pix_fmt",
        "yuv420p",
        "-fps_mode",
        "vfr",
        // Without it the encoder's time base is 1/frame rate, which rounds the jitter away.
        "-enc_time_base",
        "1/1000");

    private final String fileName;
    private final String filter;
    private final List<String> encoder;

    Clip(String fileName, String filter, String... encoder) {
      this.fileName = fileName;
      this.filter = filter;
      this.encoder = List.of(encoder);
    }

    /** The clip, made now if it was not made before. */
    public Path path() throws IOException, InterruptedException {
      return make(this);
    }
  }

  private CameraClips() {}

  /**
   * The demo's labeled clip ({@code samples/fashion-clip.mp4}, 112×112) as H.264 1920×1080, every
   * frame kept, with its label sidecar copied beside it.
   */
  public static synchronized Path demoClipAt1080p() throws IOException, InterruptedException {
    Path source = Path.of("../samples/fashion-clip.mp4");
    Path target = DIR.resolve("fashion-clip-1080p.mp4");
    if (!Files.isRegularFile(target)) {
      Files.createDirectories(DIR);
      Path partial = DIR.resolve("fashion-clip-1080p.partial.mp4");
      run(
          "fashion-clip-1080p.mp4",
          List.of(
              "ffmpeg",
              "-nostdin",
              "-v",
              "error",
              "-y",
              "-i",
              source.toString(),
              "-an",
              "-vf",
              "scale=1920:1080:flags=bicubic",
              "-c:v",
              "libx264",
              "-preset",
              "veryfast",
              "-pix_fmt",
              "yuv420p",
              partial.toString()));
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.copy(
        LabelSidecar.pathFor(source),
        LabelSidecar.pathFor(target),
        StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  private static synchronized Path make(Clip clip) throws IOException, InterruptedException {
    Path target = DIR.resolve(clip.fileName);
    if (Files.isRegularFile(target)) {
      return target;
    }
    Files.createDirectories(DIR);
    Path partial = DIR.resolve(clip.fileName.replace(".", ".partial."));
    List<String> command = new ArrayList<>();
    command.addAll(List.of("ffmpeg", "-nostdin", "-v", "error", "-y"));
    command.addAll(List.of("-i", SampleVideos.file("vtest.avi").toString()));
    command.addAll(List.of("-frames:v", Integer.toString(FRAMES), "-an", "-vf", clip.filter));
    command.addAll(clip.encoder);
    command.addAll(List.of("-preset", "veryfast"));
    command.add(partial.toString());
    run(clip.fileName, command);
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  private static void run(String making, List<String> command)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException("ffmpeg could not make " + making + ": " + output);
    }
  }
}

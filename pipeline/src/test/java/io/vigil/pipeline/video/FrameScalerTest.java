package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.result.RegionOfInterest;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link FrameScaler} (FFmpeg scales the decoded picture straight to the input) against {@link
 * FramePreprocessor} (the decoder's full-size BGR, then OpenCV's gray conversion and area resize):
 * the model must see the same input, to within the rounding of two area filters.
 *
 * <p>Measured on these clips: 0.2–1.4 levels of 255 apart on average, at most 20 at a sharp edge.
 * Most of the average is a bias of the old path: the decoder's fast YUV 4:2:0 to BGR conversion
 * comes out about one level darker than the luma it came from; from 4:4:4 (converted on swscale's
 * exact path) the two agree without bias. The accuracy that follows is {@code
 * ScaledInputAccuracyTest}'s.
 */
class FrameScalerTest {

  private static final InputContract GRAY = new InputContract(1, 28, 28, 0.5f, 0.5f);

  private static final InputContract RGB =
      InputContract.perChannel(
          3, 32, 40, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

  /** Bounds in levels of 255: on average (all frames and pixels), and at any one pixel. */
  private static final double MEAN_LEVELS = 1.6;

  private static final double MAX_LEVELS = 24;

  @Test
  void grayOfTheSampleVideoMatchesOpenCv() throws Exception {
    assertClose("vtest.avi", compare(SampleVideos.file("vtest.avi"), GRAY, Preprocessing.STRETCH));
  }

  @Test
  void grayOfTheDemoClipAt1080pMatchesOpenCv() throws Exception {
    assertClose(
        "1080p demo clip", compare(CameraClips.demoClipAt1080p(), GRAY, Preprocessing.STRETCH));
  }

  @ParameterizedTest
  @EnumSource(CameraClips.Clip.class)
  void grayOfCameraFormatsMatchesOpenCv(CameraClips.Clip clip) throws Exception {
    Difference d = compare(clip.path(), GRAY, Preprocessing.STRETCH);
    assertEquals(CameraClips.FRAMES, d.frames(), clip + ": every frame compared");
    assertClose(clip + " gray", d);
  }

  @ParameterizedTest
  @EnumSource(CameraClips.Clip.class)
  void rgbOfCameraFormatsMatchesOpenCv(CameraClips.Clip clip) throws Exception {
    assertClose(clip + " RGB", compare(clip.path(), RGB, Preprocessing.STRETCH));
  }

  @Test
  void withoutChromaSubsamplingThereIsNoBias() throws Exception {
    Difference d = compare(CameraClips.Clip.H264_ODD_SIZE.path(), GRAY, Preprocessing.STRETCH);
    assertTrue(Math.abs(d.bias()) < 0.1, "4:4:4: " + d);
    assertTrue(d.mean() < 0.5, "4:4:4: " + d);
  }

  @Test
  void letterboxMatchesOpenCvAndPadsWithTheFill() throws Exception {
    Path video = CameraClips.Clip.H264_720P.path();
    Preprocessing letterbox = new Preprocessing(ResizeMode.LETTERBOX, 114, null);
    assertClose("letterbox gray", compare(video, GRAY, letterbox));
    assertClose("letterbox RGB", compare(video, RGB, letterbox));
    // 1280×720 into 40×32: 40×23 inside, 4 rows of padding above and 5 below.
    float[] input = firstInput(video, RGB, letterbox);
    int plane = 32 * 40;
    for (int c = 0; c < 3; c++) {
      float padding = (float) ((114 / 255.0 - RGB.mean(c)) / RGB.std(c));
      for (int i = 0; i < 4 * 40; i++) {
        assertEquals(padding, input[c * plane + i], 1e-6, "top bar, channel " + c);
        assertEquals(padding, input[c * plane + plane - 1 - i], 1e-6, "bottom bar, channel " + c);
      }
      assertTrue(Math.abs(input[c * plane + 5 * 40] - padding) > 1e-3 || c > 0, "image below");
    }
  }

  @Test
  void regionOfInterestMatchesOpenCvAtOddCorners() throws Exception {
    Path video = CameraClips.Clip.H264_720P.path();
    Preprocessing region = Preprocessing.STRETCH.withRoi(new RegionOfInterest(301, 97, 640, 480));
    assertClose("region gray", compare(video, GRAY, region));
    assertClose("region RGB", compare(video, RGB, region));
    Preprocessing both =
        new Preprocessing(ResizeMode.LETTERBOX, 0, new RegionOfInterest(301, 97, 640, 200));
    assertClose("region letterboxed", compare(video, RGB, both));
  }

  @Test
  void tenBitPicturesAreScaledFromTheirOwnFormat() throws Exception {
    try (VideoDecoder decoder =
        VideoDecoder.open(CameraClips.Clip.H265_720P_10BIT.path(), PictureFormat.NATIVE)) {
      DecodedFrame frame = decoder.next();
      assertEquals(
          "yuv420p10le",
          org.bytedeco
              .ffmpeg
              .global
              .avutil
              .av_get_pix_fmt_name(frame.picture().format())
              .getString());
    }
  }

  @Test
  void badInputIsRefusedByName() throws Exception {
    Path video = CameraClips.Clip.H264_720P.path();
    Preprocessing outside = Preprocessing.STRETCH.withRoi(new RegionOfInterest(1000, 0, 400, 100));
    try (VideoDecoder decoder = VideoDecoder.open(video, PictureFormat.NATIVE);
        FrameScaler scaler = new FrameScaler(GRAY, outside, "cam-7");
        FrameScaler whole = new FrameScaler(GRAY, Preprocessing.STRETCH, "cam-7")) {
      DecodedFrame frame = decoder.next();
      RegionOfInterest.RegionOutsideFrameException e =
          assertThrows(
              RegionOfInterest.RegionOutsideFrameException.class,
              () -> scaler.toTensor(frame.picture(), new float[GRAY.size()], 0));
      assertTrue(
          e.getMessage().contains("cam-7") && e.getMessage().contains("1280"), e.getMessage());
      IllegalArgumentException small =
          assertThrows(
              IllegalArgumentException.class,
              () -> whole.toTensor(frame.picture(), new float[GRAY.size()], 1));
      assertTrue(small.getMessage().contains("784 do not fit from offset 1"), small.getMessage());
      whole.close();
      assertThrows(
          IllegalStateException.class,
          () -> whole.toTensor(frame.picture(), new float[GRAY.size()], 0));
    }
  }

  /** Differences between the two paths, in 8-bit levels (0–255) of the source pixel. */
  record Difference(double mean, double bias, double max, int frames) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT, "mean %.3f bias %.3f max %.1f over %d frames", mean, bias, max, frames);
    }
  }

  private static void assertClose(String what, Difference d) {
    assertTrue(d.frames() > 0, what + ": frames compared");
    assertTrue(d.mean() <= MEAN_LEVELS, what + ": " + d);
    assertTrue(d.max() <= MAX_LEVELS, what + ": " + d);
  }

  private static float[] firstInput(Path video, InputContract contract, Preprocessing p)
      throws Exception {
    float[] input = new float[contract.size()];
    try (VideoDecoder decoder = VideoDecoder.open(video, PictureFormat.NATIVE);
        FrameScaler scaler = new FrameScaler(contract, p, "first")) {
      scaler.toTensor(decoder.next().picture(), input, 0);
    }
    return input;
  }

  /**
   * Decodes {@code video} twice, through each path, and compares up to 40 frames' inputs in source
   * levels ({@code x · 255 · std + 255 · mean}).
   */
  static Difference compare(Path video, InputContract contract, Preprocessing p) throws Exception {
    float[] expected = new float[contract.size()];
    float[] actual = new float[contract.size()];
    double sum = 0;
    double bias = 0;
    double max = 0;
    int frames = 0;
    try (VideoDecoder bgr = VideoDecoder.open(video);
        VideoDecoder nativeFrames = VideoDecoder.open(video, PictureFormat.NATIVE);
        FramePreprocessor reference = new FramePreprocessor(contract, p, "reference");
        FrameScaler scaler = new FrameScaler(contract, p, "scaler")) {
      int plane = contract.height() * contract.width();
      while (frames < 40) {
        DecodedFrame a = bgr.next();
        DecodedFrame b = nativeFrames.next();
        if (a == null || b == null) {
          assertTrue(a == null && b == null, video + ": both decoders end together");
          break;
        }
        assertEquals(a.ptsMicros(), b.ptsMicros(), video + ": the same frame");
        reference.toTensor(a.frame(), expected, 0);
        scaler.toTensor(b.picture(), actual, 0);
        for (int i = 0; i < expected.length; i++) {
          double signed = (actual[i] - expected[i]) * 255 * contract.std(i / plane);
          bias += signed;
          sum += Math.abs(signed);
          max = Math.max(max, Math.abs(signed));
        }
        frames++;
      }
    }
    long values = Math.max(1, (long) frames * contract.size());
    return new Difference(sum / values, bias / values, max, frames);
  }
}

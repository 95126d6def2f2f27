package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The formats cameras send decode whole, in presentation order, into pictures a {@link FrameScaler}
 * takes: B-frames reordered, 10-bit and odd sizes, a variable frame rate kept.
 */
class CameraFormatsDecodingTest {

  @ParameterizedTest
  @EnumSource(CameraClips.Clip.class)
  void everyFrameDecodesInPresentationOrder(CameraClips.Clip clip) throws Exception {
    List<Long> pts = new ArrayList<>();
    float[] input = new float[28 * 28];
    try (VideoDecoder decoder = VideoDecoder.open(clip.path(), PictureFormat.NATIVE);
        FrameScaler scaler =
            new FrameScaler(
                new io.vigil.engine.model.InputContract(1, 28, 28, 0f, 1f),
                Preprocessing.STRETCH,
                clip.toString())) {
      DecodedFrame frame;
      while ((frame = decoder.next()) != null) {
        assertEquals(pts.size(), frame.index(), clip + ": numbered in order");
        scaler.toTensor(frame.picture(), input, 0);
        pts.add(frame.ptsMicros());
      }
      assertEquals(0, decoder.report().timestampsRepaired(), clip + ": " + decoder.report());
      assertEquals(0, decoder.report().decodeErrors(), clip + ": " + decoder.report());
    }
    assertEquals(CameraClips.FRAMES, pts.size(), clip + ": frames decoded");
    for (int i = 1; i < pts.size(); i++) {
      assertTrue(pts.get(i) > pts.get(i - 1), clip + ": presentation order at frame " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = CameraClips.Clip.class,
      names = {"H264_VFR"})
  void aVariableFrameRateKeepsItsIntervals(CameraClips.Clip clip) throws Exception {
    HashSet<Long> intervals = new HashSet<>();
    try (VideoDecoder decoder = VideoDecoder.open(clip.path(), PictureFormat.NATIVE)) {
      DecodedFrame previous = decoder.next();
      DecodedFrame frame;
      while ((frame = decoder.next()) != null) {
        long step = frame.ptsMicros() - previous.ptsMicros();
        // Frame n is shown at n·100 ms + (37·n mod 61) ms: 40 to 160 ms apart.
        assertTrue(step >= 39_000 && step <= 161_000, clip + ": interval " + step + " µs");
        intervals.add(step / 1000);
        previous = frame;
      }
    }
    assertTrue(intervals.size() >= 3, clip + ": intervals vary, got " + intervals);
  }
}

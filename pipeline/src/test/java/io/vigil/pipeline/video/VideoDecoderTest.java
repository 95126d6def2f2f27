package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.pipeline.result.DecodeReport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VideoDecoderTest {

  @TempDir Path tmp;

  /** Decodes every frame, checking indices and timestamps on the way; returns the report. */
  private static DecodeReport decodeAll(VideoDecoder decoder) throws VideoInputException {
    long previousPts = Long.MIN_VALUE;
    long expectedIndex = 0;
    DecodedFrame frame;
    while ((frame = decoder.next()) != null) {
      assertEquals(expectedIndex++, frame.index(), "frame index");
      assertTrue(
          frame.ptsMicros() > previousPts,
          "pts must increase: frame " + frame.index() + " at " + frame.ptsMicros());
      previousPts = frame.ptsMicros();
      assertEquals(decoder.info().width(), frame.frame().imageWidth);
    }
    assertNull(decoder.next(), "the end stays the end");
    return decoder.report();
  }

  // Expected counts are what `ffmpeg -i FILE -f null -` (FFmpeg 5.1.9 CLI, Debian 12) reports as
  // frame=N for each file; tree.avi's header claims 444, Megamind.avi's last frame comes back
  // from FFmpeg with timestamp 0 and is repaired.
  @ParameterizedTest
  @CsvSource({
    "vtest.avi, 795, msmpeg4, 768, 576, 0",
    "Megamind.avi, 270, mpeg4, 720, 528, 1",
    "Megamind_bugy.avi, 270, mpeg4, 720, 528, 1",
    "tree.avi, 68, cinepak, 320, 240, 0"
  })
  void decodesExactlyTheFramesFfmpegDecodes(
      String name, long frames, String codec, int width, int height, long repaired)
      throws Exception {
    try (VideoDecoder decoder = VideoDecoder.open(SampleVideos.file(name))) {
      assertEquals(codec, decoder.info().codec());
      assertEquals(width, decoder.info().width());
      assertEquals(height, decoder.info().height());
      DecodeReport report = decodeAll(decoder);
      assertEquals(frames, report.framesDecoded(), report.summary());
      assertEquals(0, report.decodeErrors(), report.summary());
      assertEquals(0, report.damagedFrames(), report.summary());
      assertEquals(0, report.framesLost(), "clean file, nothing lost: " + report.summary());
      assertEquals(repaired, report.timestampsRepaired(), report.summary());
      assertFalse(report.gaveUp());
      assertTrue(report.summary().startsWith(name + ": " + frames + " frames decoded"));
    }
  }

  @Test
  void treeAviHeaderClaimIsReportedButNotTakenAsLoss() throws Exception {
    try (VideoDecoder decoder = VideoDecoder.open(SampleVideos.file("tree.avi"))) {
      assertEquals(444, decoder.info().claimedFrames());
      assertEquals(15.0, decoder.info().frameRate(), 0.001);
      DecodeReport report = decodeAll(decoder);
      assertEquals(68, report.framesDecoded());
      assertEquals(0, report.framesLost());
      assertTrue(report.summary().contains("gaps not counted"), report.summary());
    }
  }

  @Test
  void truncatedFileYieldsTheFramesBeforeTheCutAndReportsTheRestLost() throws Exception {
    Path source = SampleVideos.file("vtest.avi");
    Path cut = SampleVideos.truncatedCopy(source, tmp.resolve("half.avi"), Files.size(source) / 2);
    try (VideoDecoder decoder = VideoDecoder.open(cut)) {
      DecodeReport report = decodeAll(decoder);
      // `ffmpeg -i half.avi -f null -` on the same bytes: frame=399, "Packet corrupt" at the cut.
      assertEquals(399, report.framesDecoded(), report.summary());
      assertEquals(795 - 399, report.framesLost(), report.summary());
      assertEquals(795 - 399, report.lostAtEnd());
      assertEquals(1, report.damagedFrames(), "the frame at the cut is concealed");
      assertTrue(report.summary().contains("the headers claim 79.50 s"), report.summary());
    }
  }

  @Test
  void garbageInTheMiddleOfVtestDoesNotEndTheStream() throws Exception {
    Path damaged =
        SampleVideos.damagedCopy(
            SampleVideos.file("vtest.avi"), tmp.resolve("garbage.avi"), 4_000_000, 200_000);
    try (VideoDecoder decoder = VideoDecoder.open(damaged)) {
      DecodeReport report = decodeAll(decoder);
      // `ffmpeg -i garbage.avi -f null -` on the same bytes: frame=772, no error printed. The
      // damage starts about frame 390; FFmpeg's AVI demuxer renumbers the frames after it, so the
      // 23 missing ones show up as timestamps that stop 2.3 s before the claimed end.
      assertEquals(772, report.framesDecoded(), report.summary());
      assertEquals(795 - 772, report.framesLost(), report.summary());
      assertEquals(0, report.decodeErrors());
    }
  }

  @Test
  void garbageInTheMiddleOfMegamindIsConcealedAndCounted() throws Exception {
    Path damaged =
        SampleVideos.damagedCopy(
            SampleVideos.file("Megamind.avi"), tmp.resolve("garbage.avi"), 600_000, 50_000);
    try (VideoDecoder decoder = VideoDecoder.open(damaged)) {
      DecodeReport report = decodeAll(decoder);
      // `ffmpeg -i garbage.avi -f null -` on the same bytes: frame=256, "corrupt decoded frame".
      assertEquals(256, report.framesDecoded(), report.summary());
      assertEquals(1, report.damagedFrames(), report.summary());
      assertEquals(1, report.lostInGaps(), report.summary());
      assertTrue(report.framesLost() >= 270 - 256 - 1, report.summary());
    }
  }

  @Test
  void missingPath() {
    Path missing = tmp.resolve("nowhere.avi");
    VideoInputException e =
        assertThrows(VideoInputException.class, () -> VideoDecoder.open(missing));
    assertEquals(missing + ": no such file", e.getMessage());
    assertEquals(missing, e.file());
  }

  @Test
  void emptyFile() throws Exception {
    Path empty = Files.createFile(tmp.resolve("empty.mp4"));
    VideoInputException e = assertThrows(VideoInputException.class, () -> VideoDecoder.open(empty));
    assertEquals(empty + ": empty file (0 bytes)", e.getMessage());
  }

  @Test
  void textFileNamedMp4() throws Exception {
    Path text = Files.writeString(tmp.resolve("notes.mp4"), "these are notes, not a video\n");
    VideoInputException e = assertThrows(VideoInputException.class, () -> VideoDecoder.open(text));
    assertTrue(
        e.getMessage()
            .startsWith(
                text
                    + ": not a video file FFmpeg recognises (avformat_open_input: Invalid data"
                    + " found when processing input)"),
        e.getMessage());
    assertTrue(e.getCause().getMessage().contains("avformat_open_input"));
  }

  @Test
  void audioOnlyFileHasNoVideoStream() throws Exception {
    Path wav = Files.write(tmp.resolve("tone.wav"), silentWav(8000, 4000));
    VideoInputException e = assertThrows(VideoInputException.class, () -> VideoDecoder.open(wav));
    assertEquals(
        wav + ": no video stream (the wav container holds 1 stream, audio only)", e.getMessage());
  }

  @Test
  void directoryIsNotAVideo() {
    VideoInputException e = assertThrows(VideoInputException.class, () -> VideoDecoder.open(tmp));
    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
  }

  @Test
  void nextAfterCloseFails() throws Exception {
    VideoDecoder decoder = VideoDecoder.open(SampleVideos.file("tree.avi"));
    decoder.close();
    decoder.close(); // closing twice is harmless
    VideoInputException e = assertThrows(VideoInputException.class, decoder::next);
    assertTrue(e.getMessage().endsWith("tree.avi: decoder already closed"), e.getMessage());
  }

  /** A minimal PCM WAV file: 16-bit mono silence. */
  private static byte[] silentWav(int sampleRate, int samples) {
    ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + 2 * samples).put("WAVE".getBytes());
    b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1);
    b.putInt(sampleRate).putInt(2 * sampleRate).putShort((short) 2).putShort((short) 16);
    b.put("data".getBytes()).putInt(2 * samples);
    return b.array();
  }
}

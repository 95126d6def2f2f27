package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.pipeline.result.DecodeReport;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;

/** What the decoder does when the grabber throws: real files seldom make it, so a script does. */
class DecoderErrorHandlingTest {

  private static final Path FILE = Path.of("scripted.avi");
  private static final VideoInfo INFO = new VideoInfo("test", 4, 4, 10, 0, 0);

  /** Plays a script: a timestamp in microseconds is a frame, null is an exception. */
  private static final class ScriptedSource implements FrameSource {
    private final Deque<Long> script = new ArrayDeque<>();
    private final boolean throwForever;
    private final Frame frame = new Frame(4, 4, Frame.DEPTH_UBYTE, 3);
    private int grabs;
    boolean closed;

    ScriptedSource(boolean throwForever, Long... steps) {
      this.throwForever = throwForever;
      for (Long step : steps) {
        script.add(step == null ? Long.MIN_VALUE : step);
      }
    }

    @Override
    public Frame grabImage() throws Exception {
      grabs++;
      if (script.isEmpty()) {
        if (throwForever) {
          throw new Exception("scripted failure " + grabs);
        }
        return null;
      }
      long step = script.removeFirst();
      if (step == Long.MIN_VALUE) {
        throw new Exception("scripted failure " + grabs);
      }
      frame.timestamp = step;
      return frame;
    }

    @Override
    public boolean lastFrameDamaged() {
      return false;
    }

    @Override
    public void close() {
      closed = true;
      frame.close();
    }
  }

  @Test
  void anErrorInTheMiddleIsCountedAndDecodingGoesOn() throws Exception {
    ScriptedSource source = new ScriptedSource(false, 0L, 100_000L, null, null, 300_000L, 400_000L);
    try (VideoDecoder decoder = new VideoDecoder(FILE, INFO, 400_000 + 100_000, source)) {
      long[] pts = new long[4];
      for (int i = 0; i < 4; i++) {
        DecodedFrame f = decoder.next();
        assertEquals(i, f.index());
        pts[i] = f.ptsMicros();
      }
      assertNull(decoder.next());
      assertEquals(300_000, pts[2]);
      DecodeReport report = decoder.report();
      assertEquals(4, report.framesDecoded());
      assertEquals(2, report.decodeErrors());
      assertEquals(1, report.lostInGaps(), "the frame at 200 ms never came");
      assertFalse(report.gaveUp());
      assertTrue(report.summary().contains("2 decode errors"), report.summary());
    }
    assertTrue(source.closed);
  }

  @Test
  void tooManyErrorsInARowEndTheStreamCleanly() throws Exception {
    ScriptedSource source = new ScriptedSource(true, 0L, 100_000L);
    try (VideoDecoder decoder = new VideoDecoder(FILE, INFO, Long.MIN_VALUE, source)) {
      decoder.next();
      decoder.next();
      assertNull(decoder.next());
      assertNull(decoder.next(), "no further grabbing once given up");
      DecodeReport report = decoder.report();
      assertEquals(2, report.framesDecoded());
      assertEquals(VideoDecoder.MAX_CONSECUTIVE_ERRORS, report.decodeErrors());
      assertTrue(report.gaveUp());
      assertTrue(
          report
              .summary()
              .contains("gave up: 10 decode errors in a row, the last: scripted failure"),
          report.summary());
    }
    assertEquals(2 + VideoDecoder.MAX_CONSECUTIVE_ERRORS, source.grabs);
  }
}

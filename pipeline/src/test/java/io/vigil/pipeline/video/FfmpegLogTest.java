package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** FFmpeg's own lines reach vigil's logging, at DEBUG, instead of the terminal. */
class FfmpegLogTest {

  @TempDir Path tmp;

  private final Logger ffmpeg = (Logger) LoggerFactory.getLogger(FfmpegLog.LOGGER);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private Level before;

  @BeforeEach
  void capture() {
    before = ffmpeg.getLevel();
    ffmpeg.setLevel(Level.DEBUG);
    lines.start();
    ffmpeg.addAppender(lines);
  }

  @AfterEach
  void release() {
    ffmpeg.detachAppender(lines);
    ffmpeg.setLevel(before);
  }

  @Test
  void anMp4WithoutItsIndexIsOneFailureAndFfmpegsOwnErrorIsADebugLine() throws Exception {
    // An MP4 cut short before its index was written: only the 'ftyp' box.
    ByteBuffer ftyp = ByteBuffer.allocate(24);
    ftyp.putInt(24).put("ftypisom".getBytes(StandardCharsets.US_ASCII)).putInt(0x200);
    ftyp.put("isommp41".getBytes(StandardCharsets.US_ASCII));
    Path cut = Files.write(tmp.resolve("cut.mp4"), ftyp.array());

    VideoInputException e = assertThrows(VideoInputException.class, () -> VideoDecoder.open(cut));

    assertTrue(e.getMessage().contains("cut.mp4"), e.getMessage());
    assertTrue(
        lines.list.stream()
            .anyMatch(
                l ->
                    l.getLevel() == Level.DEBUG
                        && l.getFormattedMessage().contains("moov atom not found")),
        "FFmpeg's lines as logged: " + lines.list);
  }

  @Test
  void eachFfmpegLevelMapsToALevelAUserChooses() {
    FfmpegLog.line(org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING, "[msmpeg4] overflow\n");
    FfmpegLog.line(org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL, "fatal\n");
    FfmpegLog.line(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR, "\n");

    assertEquals(2, lines.list.size(), "blank lines are dropped: " + lines.list);
    assertEquals(Level.DEBUG, lines.list.get(0).getLevel());
    assertEquals("[msmpeg4] overflow", lines.list.get(0).getFormattedMessage());
    assertEquals(Level.WARN, lines.list.get(1).getLevel());
  }
}

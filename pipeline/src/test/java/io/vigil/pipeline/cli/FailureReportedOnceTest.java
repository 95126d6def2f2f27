package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vigil.pipeline.analyze.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A file that cannot be analysed is reported once, where the user looks for it. */
class FailureReportedOnceTest {

  @TempDir Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final Logger vigil = (Logger) LoggerFactory.getLogger("io.vigil");
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void capture() {
    logged.start();
    vigil.addAppender(logged);
  }

  @AfterEach
  void release() {
    vigil.detachAppender(logged);
  }

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  /** What vigil logged at WARN or above that mentions {@code name}. */
  private List<String> warningsAbout(String name) {
    return logged.list.stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains(name))
        .toList();
  }

  private static long count(String text, String what) {
    return text.lines().filter(l -> l.contains(what)).count();
  }

  @Test
  void aBadFileAmongManyIsItsFailedLineAndTheFinalListOnly() throws Exception {
    Path videos = Files.createDirectories(tmp.resolve("videos"));
    Files.writeString(videos.resolve("notes.mp4"), "not a video\n".repeat(40));
    Files.writeString(videos.resolve("other.mp4"), "not one either\n".repeat(40));
    int status =
        run(
            "analyze",
            videos.toString(),
            "--model",
            TestModels.SHIPPED.toString(),
            "--out",
            tmp.resolve("results").toString());

    assertEquals(Main.FAILED, status, err.toString());
    assertEquals(1, count(out.toString(), "notes.mp4: FAILED"), out.toString());
    assertEquals(1, count(err.toString(), "notes.mp4"), err.toString());
    assertEquals(List.of(), warningsAbout("notes.mp4"));
  }

  @Test
  void aSingleFileFailureIsTheOneLineMessageOnly() throws Exception {
    Path text = Files.writeString(tmp.resolve("notes.mp4"), "not a video\n".repeat(40));
    int status =
        run(
            "analyze",
            text.toString(),
            "--model",
            TestModels.SHIPPED.toString(),
            "--out",
            tmp.resolve("r.jsonl").toString());

    assertEquals(Main.FAILED, status);
    // The chosen device, then the failure in one line.
    assertEquals(2, err.toString().strip().lines().count(), err.toString());
    assertTrue(err.toString().strip().lines().skip(1).allMatch(l -> l.contains("notes.mp4")));
    assertEquals(List.of(), warningsAbout("notes.mp4"));
  }
}

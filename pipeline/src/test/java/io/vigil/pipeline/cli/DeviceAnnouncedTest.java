package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.vigil.pipeline.analyze.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The commands that run the engine say where it runs, whatever the log level. */
class DeviceAnnouncedTest {

  @TempDir Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final Logger vigil = (Logger) LoggerFactory.getLogger("io.vigil");
  private final Level before = vigil.getLevel();

  @AfterEach
  void restore() {
    vigil.setLevel(before);
  }

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void analyzePrintsTheChosenDeviceInOneLine() throws Exception {
    Path text = Files.writeString(tmp.resolve("notes.mp4"), "not a video\n".repeat(40));
    run(
        "analyze",
        text.toString(),
        "--model",
        TestModels.SHIPPED.toString(),
        "--out",
        tmp.resolve("r.jsonl").toString(),
        "--device",
        "cpu");
    assertEquals(
        1,
        err.toString().lines().filter(l -> l.startsWith("device: cpu(")).count(),
        err.toString());
    assertTrue(err.toString().contains("(asked for)"), err.toString());
  }

  @Test
  void verboseLogsAtDebug() throws Exception {
    Path text = Files.writeString(tmp.resolve("notes.mp4"), "not a video\n".repeat(40));
    run(
        "analyze",
        text.toString(),
        "--model",
        TestModels.SHIPPED.toString(),
        "--out",
        tmp.resolve("r.jsonl").toString(),
        "--verbose");
    assertEquals(Level.DEBUG, vigil.getEffectiveLevel());
  }
}

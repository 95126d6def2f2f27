package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what Ctrl-C and a service manager send) stops {@code vigil run} cleanly, in a child JVM:
 * the streams drain, every summary is written and the final metrics are printed.
 */
class RunStopsCleanlyTest {

  @TempDir Path dir;

  @Test
  void sigtermDrainsTheStreamsWritesTheSummariesAndPrintsTheMetrics() throws Exception {
    Path out = dir.resolve("out");
    Path config = dir.resolve("run.conf");
    String clip = Path.of("../samples/fashion-clip.mp4").toAbsolutePath().toString();
    Files.writeString(
        config,
        "vigil.registry.dir = \""
            + dir.resolve("registry")
            + "\"\nvigil.run {\n  out = \""
            + out
            + "\"\n  metrics-interval = 0\n  streams = [\n"
            + "    { id = cam, file = \""
            + clip
            + "\", loop = true, fps = 60 }\n  ]\n}\n");
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-modules",
            "jdk.incubator.vector",
            "-Dvigil.home=" + Path.of("..").toAbsolutePath().normalize(),
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "run",
            "--config",
            config.toString(),
            "--model",
            Path.of("../models/lenet5-fashion.vgl").toAbsolutePath().toString());
    File log = dir.resolve("run.log").toFile();
    pb.redirectErrorStream(true);
    pb.redirectOutput(log);
    Process run = pb.start();
    ActorTestKit kit = ActorTestKit.create();
    try {
      Path results = out.resolve("cam.jsonl");
      TestProbe<Object> wait = kit.createTestProbe();
      wait.awaitAssert(
          Duration.ofSeconds(60),
          Duration.ofMillis(100),
          () -> {
            assertTrue(
                Files.exists(results) && Files.size(results) > 2000,
                "results flowing; log so far:\n" + read(log));
            return null;
          });
      run.destroy(); // SIGTERM
      assertTrue(run.waitFor(60, TimeUnit.SECONDS), "stopped within a minute:\n" + read(log));
      String printed = read(log);
      assertTrue(printed.contains("run ended after"), printed);
      assertTrue(printed.contains("cam: "), "per-stream metrics:\n" + printed);
      JsonNode summary = new ObjectMapper().readTree(out.resolve("cam.summary.json").toFile());
      long lines = Files.readAllLines(results).size();
      assertEquals(lines, summary.get("frames").asLong(), "the summary counts every result");
    } finally {
      run.destroyForcibly();
      kit.shutdownTestKit();
    }
  }

  private static String read(File log) {
    try {
      return Files.readString(log.toPath(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "(cannot read the log: " + e + ")";
    }
  }
}

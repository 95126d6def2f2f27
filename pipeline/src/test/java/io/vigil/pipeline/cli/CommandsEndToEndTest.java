package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.FashionMnist;
import io.vigil.pipeline.analyze.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them: files in, printed summary and exit status out. */
class CommandsEndToEndTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path tmp;

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void demoAnalysesTheShippedClipAndPrintsPerClassResults() {
    String previous = System.getProperty("vigil.home");
    System.setProperty("vigil.home", "..");
    try {
      assertEquals(0, run("demo", "--offline"), err.toString());
    } finally {
      if (previous == null) {
        System.clearProperty("vigil.home");
      } else {
        System.setProperty("vigil.home", previous);
      }
    }
    String printed = out.toString();
    for (String label : FashionMnist.CLASS_NAMES) {
      assertTrue(printed.contains(label), "per-class line for " + label + ":\n" + printed);
    }
    Matcher accuracy = Pattern.compile("accuracy: ([0-9.]+)%").matcher(printed);
    assertTrue(accuracy.find(), printed);
    assertTrue(Double.parseDouble(accuracy.group(1)) > 85, printed);
  }

  @Test
  void makeClipThenAnalyzeReportsAccuracyFromTheSidecar() throws Exception {
    Path clip = tmp.resolve("c.mp4");
    assertEquals(
        0, run("make-clip", "--out", clip.toString(), "--items", "40", "--frames-per-item", "2"));
    assertTrue(Files.exists(tmp.resolve("c.mp4.labels.csv")));
    Path results = tmp.resolve("r.jsonl");
    assertEquals(
        0,
        run(
            "analyze",
            clip.toString(),
            "--model",
            TestModels.SHIPPED.toString(),
            "--out",
            results.toString()),
        err.toString());
    assertEquals(80, Files.readAllLines(results).size());
    assertTrue(out.toString().contains("accuracy:"), out.toString());
    assertTrue(out.toString().contains("on 80 labeled frames"), out.toString());
  }

  @Test
  void unreadableVideoExitsOneWithOneLineNamingTheFile() throws Exception {
    Path text = Files.writeString(tmp.resolve("notes.mp4"), "not a video\n".repeat(40));
    Path results = tmp.resolve("r.jsonl");
    int status =
        run(
            "analyze",
            text.toString(),
            "--model",
            TestModels.SHIPPED.toString(),
            "--out",
            results.toString());
    assertEquals(Main.FAILED, status);
    // The chosen device, then the failure in one line.
    String[] lines = err.toString().strip().split("\n");
    assertEquals(2, lines.length, err.toString());
    assertTrue(lines[0].startsWith("device: "), lines[0]);
    assertTrue(lines[1].startsWith("vigil analyze: "), lines[1]);
    assertTrue(lines[1].contains("notes.mp4"), lines[1]);
    assertFalse(Files.exists(results));
  }

  @Test
  void damagedModelFileExitsOneNamingIt() throws Exception {
    byte[] bytes = Files.readAllBytes(TestModels.SHIPPED);
    bytes[bytes.length / 2] ^= 0x5A;
    Path damaged = Files.write(tmp.resolve("damaged.vgl"), bytes);
    int status =
        run(
            "analyze",
            "/usr/share/doc/opencv-doc/examples/data/tree.avi",
            "--model",
            damaged.toString(),
            "--out",
            tmp.resolve("r.jsonl").toString());
    assertEquals(Main.FAILED, status);
    assertTrue(err.toString().contains("damaged.vgl"), err.toString());
  }

  @Test
  void analyzeOfADirectoryWritesPerVideoResultsListsFailuresAndResumes() throws Exception {
    Path videos = Files.createDirectories(tmp.resolve("videos"));
    Files.copy(
        Path.of("/usr/share/doc/opencv-doc/examples/data/tree.avi"), videos.resolve("t.avi"));
    Files.writeString(videos.resolve("notes.mp4"), "not a video\n".repeat(40));
    Path results = tmp.resolve("results");
    String[] args = {
      "analyze",
      videos.toString(),
      "--model",
      TestModels.SHIPPED.toString(),
      "--out",
      results.toString()
    };
    assertEquals(Main.FAILED, run(args), err.toString());
    assertTrue(err.toString().contains("1 of 2 files failed"), err.toString());
    assertTrue(err.toString().contains("notes.mp4"), err.toString());
    assertTrue(err.toString().contains("files"), "progress line: " + err);
    assertEquals(68, Files.readAllLines(results.resolve("t.avi.jsonl")).size());
    assertTrue(Files.exists(results.resolve("t.avi.summary.json")));
    assertTrue(Files.exists(results.resolve("run-summary.json")));

    Files.delete(videos.resolve("notes.mp4"));
    out.getBuffer().setLength(0);
    assertEquals(0, run(args), err.toString());
    assertTrue(out.toString().contains("t.avi: skipped"), out.toString());
  }

  @Test
  void runPacesFileStreamsPrintsTheirMetricsAndListsTheOneThatFailed() throws Exception {
    Path conf =
        Files.writeString(
            tmp.resolve("cams.conf"),
            "vigil.run.streams = [\n"
                + "  { id = a, file = \"/usr/share/doc/opencv-doc/examples/data/tree.avi\","
                + " fps = 100 }\n"
                + "  { id = b, file = \"/usr/share/doc/opencv-doc/examples/data/tree.avi\","
                + " fps = 100, every-nth = 2 }\n"
                + "  { id = c, file = \"/no/such/video.avi\" }\n"
                + "]\n");
    Path results = tmp.resolve("run");
    assertEquals(
        Main.FAILED,
        run(
            "run",
            "--config",
            conf.toString(),
            "--model",
            TestModels.SHIPPED.toString(),
            "--out",
            results.toString(),
            "--duration",
            "20"),
        err.toString());
    assertEquals(68, Files.readAllLines(results.resolve("a.jsonl")).size());
    assertEquals(34, Files.readAllLines(results.resolve("b.jsonl")).size());
    assertTrue(Files.exists(results.resolve("a.summary.json")));
    assertTrue(out.toString().contains("a: 68 in, 68 out, 0 dropped"), out.toString());
    assertTrue(err.toString().contains("1 of 3 streams failed"), err.toString());
    assertTrue(err.toString().contains("/no/such/video.avi: no such file"), err.toString());
  }
}

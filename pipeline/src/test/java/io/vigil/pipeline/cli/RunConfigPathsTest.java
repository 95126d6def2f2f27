package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.pipeline.analyze.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil run --config /elsewhere/config/x.conf} started from another directory: a stream's
 * relative {@code file} is found under vigil's home, as the model, the results and the registry
 * are.
 */
class RunConfigPathsTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path home;

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void aStreamFileRelativeToVigilsHomeIsFoundFromAnotherWorkingDirectory() throws Exception {
    Files.createDirectories(home.resolve("clips"));
    Files.createDirectories(home.resolve("config"));
    assertEquals(
        0,
        run(
            "make-clip",
            "--out",
            home.resolve("clips/c.mp4").toString(),
            "--items",
            "6",
            "--frames-per-item",
            "2"),
        err.toString());
    // Folders no other test makes in the working directory, so that they are taken from home.
    Path conf =
        Files.writeString(
            home.resolve("config/cam.conf"),
            String.join(
                "\n",
                "vigil.registry.dir = \"registry-of-paths-test\"",
                "vigil.retrain.enabled = false",
                "vigil.run {",
                "  model = \"" + TestModels.SHIPPED.toAbsolutePath() + "\"",
                "  out = \"results-of-paths-test\"",
                "  duration = 0",
                "  metrics-interval = 0",
                "  streams = [ { id = cam, file = \"clips/c.mp4\", fps = 1000,",
                "                annotate = \"results-of-paths-test/cam-annotated.mp4\" } ]",
                "}"));
    // Tests run in pipeline/, where there is no clips/ folder: the file is only under home.
    String previous = System.getProperty("vigil.home");
    System.setProperty("vigil.home", home.toString());
    int status;
    try {
      status = run("run", "--config", conf.toString());
    } finally {
      if (previous == null) {
        System.clearProperty("vigil.home");
      } else {
        System.setProperty("vigil.home", previous);
      }
    }
    assertEquals(0, status, err.toString());
    assertTrue(
        Files.exists(home.resolve("results-of-paths-test/cam.summary.json")), out.toString());
    assertTrue(
        Files.exists(home.resolve("results-of-paths-test/cam-annotated.mp4")), out.toString());
  }
}

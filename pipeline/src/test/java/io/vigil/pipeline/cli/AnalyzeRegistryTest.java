package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.registry.ModelRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil analyze --registry}: the analysis starts on the registry's active version. */
class AnalyzeRegistryTest {

  private static final String CLIP = "../samples/fashion-clip.mp4";

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void withoutModelTheRegistrysActiveVersionClassifiesEveryFrame() throws Exception {
    ModelRegistry registry = ModelRegistry.open(dir.resolve("registry"));
    String version = registry.importFile(TestModels.SHIPPED).version();
    registry.setActive(version);
    Path results = dir.resolve("r.jsonl");
    assertEquals(
        0,
        run(
            "analyze",
            CLIP,
            "--registry",
            dir.resolve("registry").toString(),
            "--out",
            results.toString()),
        err.toString());
    List<String> lines = Files.readAllLines(results);
    assertEquals(2000, lines.size());
    assertTrue(lines.stream().allMatch(l -> l.contains("\"model\":\"" + version + "\"")));
  }

  @Test
  void noModelAndNoRegistryIsABadArgumentAndARegistryWithoutActiveVersionFails() throws Exception {
    assertEquals(Main.USAGE, run("analyze", CLIP, "--out", dir.resolve("r.jsonl").toString()));
    assertTrue(err.toString().contains("--registry"), err.toString());
    ModelRegistry.open(dir.resolve("empty"));
    assertEquals(
        Main.FAILED,
        run(
            "analyze",
            CLIP,
            "--registry",
            dir.resolve("empty").toString(),
            "--out",
            dir.resolve("r2.jsonl").toString()));
    assertTrue(err.toString().contains("no active version"), err.toString());
  }
}

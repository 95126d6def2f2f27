package io.vigil.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vigil.pipeline.realtime.SourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One rule for every relative path of a configuration: the working directory, else vigil's home.
 */
class ConfigPathsTest {

  @TempDir Path tmp;

  @Test
  void aRelativePathIsTakenFromTheWorkingDirectoryWhereItExistsElseFromHome() throws Exception {
    Path here = Files.createDirectories(tmp.resolve("here"));
    Path home = Files.createDirectories(tmp.resolve("home"));
    Files.createDirectories(here.resolve("models"));
    Files.writeString(here.resolve("models/m.vgl"), "m");
    ConfigPaths paths = new ConfigPaths(here, home);

    assertEquals(here.resolve("models/m.vgl"), paths.apply("models/m.vgl"));
    assertEquals(home.resolve("samples/c.mp4"), paths.apply("samples/c.mp4"));
    assertEquals(tmp.resolve("x.mp4"), paths.apply(tmp.resolve("x.mp4").toString()));
    // A pattern or a file yet to be written: its folder decides, the name is kept.
    assertEquals(here.resolve("models/%04d.png"), paths.inFolder("models/%04d.png"));
    assertEquals(home.resolve("target/run/a.mp4"), paths.inFolder("target/run/a.mp4"));
    assertEquals(here.resolve("a.mp4"), paths.inFolder("a.mp4"));
  }

  @Test
  void theShippedCameraConfigurationFindsItsFilesFromAnotherDirectory() throws Exception {
    // Tests run in pipeline/; the repository (vigil's home) is its parent.
    Path home = Path.of("..").toAbsolutePath().normalize();
    Config shipped =
        ConfigFactory.parseFile(home.resolve("config/camera.conf").toFile())
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    ConfigPaths paths = new ConfigPaths(tmp, home);

    List<SourceSpec> specs = SourceSpec.allFrom(shipped, paths);

    SourceSpec fashion = specs.get(2);
    assertEquals("fashion", fashion.id());
    assertTrue(Files.isRegularFile(Path.of(fashion.input())), fashion.input());
    assertEquals(home.resolve("samples/fashion-clip.mp4"), Path.of(fashion.input()));
    // The annotated copy lands beside the run's results, wherever they go.
    assertEquals(paths.apply(shipped.getString("vigil.run.out")), fashion.annotate().getParent());
    assertEquals(
        home.resolve("models/lenet5-fashion.vgl"),
        paths.apply(shipped.getString("vigil.run.model")));
  }

  @Test
  void anImagePatternIsTakenFromTheFolderThatHoldsItsFrames() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Files.createDirectories(home.resolve("frames"));
    Config config =
        ConfigFactory.parseString(
                "vigil.run.streams = [ { id = a, images = \"frames/%05d.png\" } ]")
            .withFallback(ConfigFactory.defaultReference())
            .resolve();

    SourceSpec a =
        SourceSpec.allFrom(
                config, new ConfigPaths(Files.createDirectories(tmp.resolve("cwd")), home))
            .get(0);

    assertEquals(home.resolve("frames/%05d.png").toString(), a.input());
  }
}

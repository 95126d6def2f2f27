package io.vigil.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vigil.pipeline.analyze.AnalyzeSettings;
import io.vigil.pipeline.realtime.RealtimeSettings;
import io.vigil.pipeline.realtime.SourceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unknown keys in a configuration file are errors naming the file, the line and the nearest. */
class ConfigKeysTest {

  @TempDir Path dir;

  private Path file;

  /** The user's file as the command line reads it: parsed, over the defaults. */
  private Config load(String text) throws IOException {
    file = dir.resolve("user.conf");
    Files.writeString(file, text);
    return ConfigFactory.parseFile(file.toFile()).withFallback(ConfigFactory.load()).resolve();
  }

  private IllegalArgumentException rejected(String text, String path) throws IOException {
    Config config = load(text);
    return assertThrows(IllegalArgumentException.class, () -> ConfigKeys.check(config, path));
  }

  @Test
  void aMisspeltKeyIsNamedWithItsFileLineAndTheNearestKey() throws IOException {
    IllegalArgumentException e =
        rejected("vigil.run {\n  top-k = 3\n  buffer {\n    sise = 3\n  }\n}\n", "vigil");
    assertEquals(
        file
            + ":4: unknown configuration key 'vigil.run.buffer.sise' (did you mean"
            + " 'vigil.run.buffer.size'?)",
        e.getMessage());
  }

  @Test
  void aKeyInTheWrongSectionPointsToWhereItBelongs() throws IOException {
    IllegalArgumentException e = rejected("vigil.analyze.max-size = 8\n", "vigil");
    assertTrue(e.getMessage().contains("'vigil.analyze.batch.max-size'"), e.getMessage());
  }

  @Test
  void aMisspeltSectionIsNamed() throws IOException {
    IllegalArgumentException e = rejected("vigil {\n  analyse { top-k = 2 }\n}\n", "vigil");
    assertTrue(e.getMessage().startsWith(file + ":2: "), e.getMessage());
    assertTrue(e.getMessage().contains("'vigil.analyse' (did you mean 'vigil.analyze'?)"));
  }

  @Test
  void theSettingsReadersRejectUnknownKeysOfTheirSections() throws IOException {
    Config analyze = load("vigil.analyze.top-kk = 2\n");
    IllegalArgumentException a =
        assertThrows(IllegalArgumentException.class, () -> AnalyzeSettings.from(analyze));
    assertTrue(a.getMessage().contains("(did you mean 'vigil.analyze.top-k'?)"), a.getMessage());
    Config run = load("vigil.run.metrics-intervall = 2s\n");
    IllegalArgumentException r =
        assertThrows(IllegalArgumentException.class, () -> RealtimeSettings.from(run));
    assertTrue(r.getMessage().contains("'vigil.run.metrics-interval'"), r.getMessage());
  }

  @Test
  void aStreamEntryKeyThatNoStreamTakesIsRejected() throws IOException {
    Config config =
        load(
            "vigil.run.streams = [\n"
                + "  { id = a, file = \"x.mp4\" }\n"
                + "  { id = b, file = \"y.mp4\",\n"
                + "    evry-nth = 2 }\n"
                + "]\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SourceSpec.allFrom(config));
    assertEquals(
        file + ":4: stream b: unknown key 'evry-nth' (did you mean 'every-nth'?)", e.getMessage());
  }

  @Test
  void aRegionOfInterestTakesOnlyItsFourKeys() throws IOException {
    Config config =
        load("vigil.analyze.preprocess.roi = { x = 0, y = 0, widht = 8, height = 8 }\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AnalyzeSettings.from(config));
    assertTrue(e.getMessage().contains(file + ":1: "), e.getMessage());
    assertTrue(e.getMessage().contains("'widht' (did you mean 'width'?)"), e.getMessage());
  }

  @Test
  void optionalKeysAndFreeMapsAreAccepted() throws IOException {
    Config config =
        load(
            "vigil.analyze.preprocess.roi { x = 0, y = 0, width = 8, height = 8 }\n"
                + "vigil.blocking-dispatcher.thread-pool-executor.core-pool-size-min = 4\n"
                + "vigil.run.streams = [\n"
                + "  { id = lobby, url = \"rtsp://h/s\", every-nth = 2,"
                + " options = { rtsp_transport = tcp, any_ffmpeg_option = 1 } }\n"
                + "]\n");
    assertDoesNotThrow(() -> ConfigKeys.check(config, "vigil"));
    assertEquals(8, AnalyzeSettings.from(config).preprocessing().roi().width());
    assertEquals(2, SourceSpec.allFrom(config).get(0).everyNth());
  }

  @Test
  void sectionsAddedToTheReferenceAreKnownWithoutAChangeHere() {
    Config reference =
        ConfigFactory.parseString(
            "vigil { registry { dir = models, keep = 5 }, retrain { inbox = clips } }");
    Config user = ConfigFactory.parseString("vigil { registry.keep = 9, retrain.inbox = x }");
    assertDoesNotThrow(() -> ConfigKeys.checkAgainst(user, reference, "vigil"));
    Config typo = ConfigFactory.parseString("vigil.registry.kep = 9");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigKeys.checkAgainst(typo, reference, "vigil"));
    assertTrue(e.getMessage().contains("(did you mean 'vigil.registry.keep'?)"), e.getMessage());
  }

  @Test
  void theShippedConfigurationsUseOnlyKnownKeys() {
    for (String name : new String[] {"camera.conf", "analyze.conf"}) {
      Config shipped =
          ConfigFactory.parseFile(new java.io.File("../config/" + name))
              .withFallback(ConfigFactory.load())
              .resolve();
      assertDoesNotThrow(() -> ConfigKeys.check(shipped, "vigil"), name);
      assertDoesNotThrow(() -> SourceSpec.allFrom(shipped), name);
    }
  }

  @Test
  void editDistanceCountsSwapsAsOne() {
    assertEquals(1, ConfigKeys.distance("evry-nth", "every-nth"));
    assertEquals(1, ConfigKeys.distance("bacth", "batch"));
    assertEquals(3, ConfigKeys.distance("", "fps"));
  }
}

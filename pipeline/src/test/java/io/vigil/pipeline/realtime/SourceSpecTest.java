package io.vigil.pipeline.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vigil.pipeline.result.RegionOfInterest;
import io.vigil.pipeline.video.Preprocessing;
import io.vigil.pipeline.video.ResizeMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the streams of {@code vigil.run}: preprocessing per stream, and clear errors. */
class SourceSpecTest {

  private static Config run(String streams) {
    return ConfigFactory.parseString("vigil.run { " + streams + " }")
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  private static String errorFor(String stream) {
    return assertThrows(
            IllegalArgumentException.class,
            () -> SourceSpec.allFrom(run("streams = [ " + stream + " ]")))
        .getMessage();
  }

  @Test
  void streamsStretchWholeFramesUnlessTold() {
    List<SourceSpec> specs = SourceSpec.allFrom(run("streams = [ { id = a, url = \"udp://x\" } ]"));
    assertEquals(Preprocessing.STRETCH, specs.get(0).preprocessing());
  }

  @Test
  void eachStreamHasItsOwnRegionAndResizeOverTheRunsDefaults() {
    List<SourceSpec> specs =
        SourceSpec.allFrom(
            run(
                "preprocess { resize = letterbox, fill = 114 }\n"
                    + "streams = [\n"
                    + "  { id = door, url = \"udp://x\", roi = { x = 10, y = 20, width = 300,"
                    + " height = 200 } }\n"
                    + "  { id = hall, url = \"udp://y\", resize = stretch, roi = \"0,0,64,48\" }\n"
                    + "  { id = yard, url = \"udp://z\", fill = 0 }\n"
                    + "]"));
    assertEquals(
        new Preprocessing(ResizeMode.LETTERBOX, 114, new RegionOfInterest(10, 20, 300, 200)),
        specs.get(0).preprocessing());
    assertEquals(
        new Preprocessing(ResizeMode.STRETCH, 114, new RegionOfInterest(0, 0, 64, 48)),
        specs.get(1).preprocessing());
    assertEquals(new Preprocessing(ResizeMode.LETTERBOX, 0, null), specs.get(2).preprocessing());
    assertNull(specs.get(2).preprocessing().roi());
  }

  @Test
  void aBadRegionOfInterestNamesTheStreamAndWhatIsWrong() {
    assertEquals(
        "stream lobby: region of interest x=10 y=0 width=0 height=20: width and height must be ≥ 1",
        errorFor(
            "{ id = lobby, file = \"a.mp4\", roi = { x = 10, y = 0, width = 0, height = 20 } }"));
    assertEquals(
        "stream lobby: region of interest x=-5 y=0 width=10 height=20: x and y must be ≥ 0",
        errorFor(
            "{ id = lobby, file = \"a.mp4\", roi = { x = -5, y = 0, width = 10, height = 20 } }"));
    assertEquals(
        "stream lobby: roi needs x, y, width and height (source pixels); height is missing",
        errorFor("{ id = lobby, file = \"a.mp4\", roi = { x = 1, y = 2, width = 3 } }"));
    assertEquals(
        "stream lobby: region of interest '1,2,3': expected X,Y,WIDTH,HEIGHT (four integers)",
        errorFor("{ id = lobby, file = \"a.mp4\", roi = \"1,2,3\" }"));
  }

  @Test
  void aBadResizeModeOrFillNamesTheStream() {
    assertEquals(
        "stream lobby: unknown resize mode 'squash'; known: stretch, letterbox",
        errorFor("{ id = lobby, file = \"a.mp4\", resize = squash }"));
    assertEquals(
        "stream lobby: fill must be an 8-bit value, 0 to 255, got 300",
        errorFor("{ id = lobby, file = \"a.mp4\", fill = 300 }"));
  }

  @Test
  void ffmpegOptionsArePassedAsStrings() {
    List<SourceSpec> specs =
        SourceSpec.allFrom(
            run(
                "streams = [ { id = push, url = \"rtsp://127.0.0.1:8554/live\","
                    + " options = { rtsp_flags = listen, rtsp_transport = tcp, listen_timeout = 30"
                    + " } } ]"));
    assertEquals(
        java.util.Map.of("rtsp_flags", "listen", "rtsp_transport", "tcp", "listen_timeout", "30"),
        specs.get(0).ffmpegOptions());
  }

  @Test
  void theShippedCameraConfigurationParses() {
    // Tests run in pipeline/; the configuration users copy is in the repository's config/.
    Config shipped =
        ConfigFactory.parseFile(new java.io.File("../config/camera.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    List<SourceSpec> specs = SourceSpec.allFrom(shipped);
    assertEquals(
        List.of("vtest", "megamind", "fashion"), specs.stream().map(SourceSpec::id).toList());
    assertEquals(ResizeMode.LETTERBOX, specs.get(1).preprocessing().resize());
  }
}

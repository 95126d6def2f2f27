package io.vigil.pipeline.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A stream entry's labels: a growing sidecar or time ranges. */
class StreamLabelsTest {

  private static Map<String, StreamLabels> parse(String streams) {
    return StreamLabels.allFrom(
        ConfigFactory.parseString("vigil.run.streams = " + streams), p -> Path.of("home", p));
  }

  @Test
  void aSidecarOrRangesAndStreamsWithoutLabelsLeftOut() {
    Map<String, StreamLabels> labels =
        parse(
            "[{id = a, file = a.mp4, labels = \"a.labels.csv\"},"
                + " {id = b, url = \"rtsp://x\", labels = [{from = 10s, to = 20s, class = Sneaker},"
                + " {from = 20s, to = 1m, class = Bag}]},"
                + " {id = c, file = c.mp4}]");
    assertEquals(new StreamLabels.Sidecar(Path.of("home", "a.labels.csv")), labels.get("a"));
    StreamLabels.Ranges b = (StreamLabels.Ranges) labels.get("b");
    assertNull(b.classAt(9_999_999));
    assertEquals("Sneaker", b.classAt(10_000_000));
    assertEquals("Bag", b.classAt(20_000_000));
    assertNull(b.classAt(60_000_000));
    assertEquals(2, labels.size());
  }

  @Test
  void badRangesNameTheStream() {
    IllegalArgumentException backwards =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parse("[{id = b, file = b.mp4, labels = [{from = 20s, to = 10s, class = Bag}]}]"));
    assertTrue(backwards.getMessage().contains("stream b"), backwards.getMessage());
    IllegalArgumentException unknownKey =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("[{id = b, file = b.mp4, labels = [{from = 1s, to = 2s, klass = Bag}]}]"));
    assertTrue(unknownKey.getMessage().contains("klass"), unknownKey.getMessage());
  }
}

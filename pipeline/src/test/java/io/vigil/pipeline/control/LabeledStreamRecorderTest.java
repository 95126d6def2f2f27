package io.vigil.pipeline.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.pipeline.realtime.StreamLabels;
import io.vigil.pipeline.video.LabeledClips;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames of labeled streams become labeled clips in the inbox, on manual time. */
class LabeledStreamRecorderTest {

  /**
   * How long a clip may take to be written (FFmpeg's FFV1 encoder, the first one in the JVM loads
   * its natives): the probe waits for the event, it does not time it.
   */
  private static final Duration WRITING = Duration.ofSeconds(30);

  private static final LabeledStreamRecorder.Settings SETTINGS =
      new LabeledStreamRecorder.Settings(3, 100, Duration.ofSeconds(1), 30);

  private static ActorTestKit kit;
  private static ManualTime time;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
    time = ManualTime.get(kit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private final TestProbe<ControlEvent> events = kit.createTestProbe();

  /** A 28 × 28 frame whose every pixel is {@code value}. */
  private static byte[] frame(int value) {
    byte[] p = new byte[28 * 28];
    java.util.Arrays.fill(p, (byte) value);
    return p;
  }

  private ActorRef<LabeledStreamRecorder.Command> recorder(Map<String, StreamLabels> labels) {
    return kit.spawn(
        LabeledStreamRecorder.create(
            labels,
            LeNet5.INPUT,
            FashionMnist.CLASS_NAMES,
            dir.resolve("inbox"),
            SETTINGS,
            events.ref()));
  }

  @Test
  void bytesOfUndoesEachChannelsNormalisation() {
    InputContract contract =
        InputContract.perChannel(
            3, 1, 2, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    int[] pixels = {0, 255, 17, 200, 128, 64};
    float[] input = new float[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      int c = i / 2;
      input[i] = (pixels[i] / 255f - contract.mean(c)) / contract.std(c);
    }
    byte[] bytes = LabeledStreamRecorder.bytesOf(input, contract);
    for (int i = 0; i < pixels.length; i++) {
      assertEquals(pixels[i], bytes[i] & 0xFF, "byte " + i);
    }
  }

  @Test
  void framesInTimeRangesAreLabeledAtOnceAndWrittenEveryThree() throws Exception {
    ActorRef<LabeledStreamRecorder.Command> r =
        recorder(
            Map.of(
                "cam",
                new StreamLabels.Ranges(
                    List.of(new StreamLabels.Range(1_000_000, 2_000_000, "Sneaker")))));
    r.tell(new LabeledStreamRecorder.Captured("cam", 0, 500_000, frame(1)));
    for (int i = 1; i <= 3; i++) {
      r.tell(new LabeledStreamRecorder.Captured("cam", i, 1_000_000 + i, frame(10 * i)));
    }
    r.tell(new LabeledStreamRecorder.Captured("other", 0, 1_500_000, frame(5)));
    ControlEvent.StreamFramesLabeled written =
        events.expectMessageClass(ControlEvent.StreamFramesLabeled.class, WRITING);
    assertEquals(3, written.frames());
    assertEquals(1, written.unlabeled(), "the frame before the range");
    LabeledImages clip = LabeledClips.read(written.clip(), LeNet5.INPUT, FashionMnist.CLASS_NAMES);
    int sneaker = FashionMnist.CLASS_NAMES.indexOf("Sneaker");
    assertArrayEquals(new int[] {sneaker, sneaker, sneaker}, clip.labels());
    assertEquals(20, clip.pixels()[28 * 28] & 0xFF, "the second frame's pixels");
  }

  @Test
  void framesWaitForTheirLinesInAGrowingSidecarAndWhatIsLeftIsWrittenAtTheStop() throws Exception {
    Path sidecar = dir.resolve("cam.labels.csv");
    ActorRef<LabeledStreamRecorder.Command> r =
        recorder(Map.of("cam", new StreamLabels.Sidecar(sidecar)));
    for (int i = 0; i < 5; i++) {
      r.tell(new LabeledStreamRecorder.Captured("cam", i, i * 33_000, frame(50 + i)));
    }
    // Labels arrive later, out of order, one for a frame not seen yet, one half-written line.
    Files.writeString(sidecar, "frame,label,class_name\n3,,Bag\n0,0,T-shirt/top\n9,1,Trouser\n4,8");
    time.timePasses(SETTINGS.flushEvery());
    events.expectNoMessage(Duration.ofMillis(100));
    Files.writeString(sidecar, ",Bag\n1,7,Sneaker\n", java.nio.file.StandardOpenOption.APPEND);
    time.timePasses(SETTINGS.flushEvery());
    ControlEvent.StreamFramesLabeled first =
        events.expectMessageClass(ControlEvent.StreamFramesLabeled.class, WRITING);
    LabeledImages clip = LabeledClips.read(first.clip(), LeNet5.INPUT, FashionMnist.CLASS_NAMES);
    // Frames 0 and 3 from the first read, then 1 and 4 in frame order from the second.
    assertEquals(4, clip.count());
    assertEquals(53, clip.pixels()[28 * 28] & 0xFF, "frame 3 second");
    int bag = FashionMnist.CLASS_NAMES.indexOf("Bag");
    assertArrayEquals(new int[] {0, bag, 7, bag}, clip.labels());
    r.tell(new LabeledStreamRecorder.Captured("cam", 9, 9 * 33_000, frame(59)));
    kit.stop(r);
    ControlEvent.StreamFramesLabeled rest =
        events.expectMessageClass(ControlEvent.StreamFramesLabeled.class, WRITING);
    assertEquals(1, rest.frames(), "frame 9, whose label came before it");
    assertTrue(Files.exists(io.vigil.pipeline.video.LabelSidecar.pathFor(rest.clip())));
  }

  @Test
  void aRangeNamingAnUnknownClassIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LabeledStreamRecorder.create(
                    Map.of(
                        "cam",
                        new StreamLabels.Ranges(List.of(new StreamLabels.Range(0, 1, "Car")))),
                    LeNet5.INPUT,
                    FashionMnist.CLASS_NAMES,
                    dir,
                    SETTINGS,
                    events.ref()));
    assertTrue(e.getMessage().contains("'Car'") && e.getMessage().contains("Sneaker"));
  }
}

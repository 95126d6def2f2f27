package io.vigil.pipeline.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.stream.DecodeOptions;
import io.vigil.pipeline.stream.DecoderSource;
import io.vigil.pipeline.stream.LagShedding;
import io.vigil.pipeline.video.PictureFormat;
import io.vigil.pipeline.video.VideoDecoder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live network source that fell behind sheds like a camera's late frames: the loopback camera
 * sends its clip in real time while the pipeline takes nothing, so what the source reads after the
 * stall is seconds behind the schedule its timestamps keep. Those frames go on late and without
 * pixels, numbered in their places; with lag shedding off, every frame is converted.
 */
class LiveSourceLagTest {

  private static final InputContract GRAY_28 = new InputContract(1, 28, 28, 0.5f, 0.5f);
  private static final int FRAMES = 90;

  private static ActorSystem<Void> system;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "live-lag-test", ConfigFactory.load());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /** Every frame the source delivered for a stream that stalled after its first frame. */
  private List<StreamItem.Frame> readWithAStall(DecodeOptions options) throws Exception {
    try (LoopbackStreamServer camera = new LoopbackStreamServer(tmp, FRAMES, 30)) {
      CompletableFuture<Void> sent =
          CompletableFuture.runAsync(
              () -> {
                try {
                  camera.serve();
                } catch (Exception e) {
                  throw new IllegalStateException("loopback camera failed", e);
                }
              });
      TestSubscriber.Probe<StreamItem> probe =
          DecoderSource.create(
                  "net",
                  () -> VideoDecoder.openUrl(camera.url(), null, Map.of(), PictureFormat.NATIVE),
                  GRAY_28,
                  options)
              .runWith(TestSink.probe(system.classicSystem()), system);
      List<StreamItem.Frame> frames = new ArrayList<>();
      frames.add((StreamItem.Frame) probe.requestNext(Duration.ofSeconds(30)));
      // The pipeline takes nothing while the camera sends the rest of its three seconds.
      sent.get(30, TimeUnit.SECONDS);
      probe.request(Long.MAX_VALUE);
      while (true) {
        StreamItem item = probe.expectNext(Duration.ofSeconds(30));
        if (item instanceof StreamItem.Frame f) {
          frames.add(f);
        } else {
          break;
        }
      }
      probe.expectComplete();
      return frames;
    }
  }

  @Test
  void framesReadSecondsBehindTheirScheduleGoOnLateAndInTheirPlaces() throws Exception {
    List<StreamItem.Frame> frames =
        readWithAStall(DecodeOptions.OFFLINE.withLag(new LagShedding(Duration.ofMillis(100))));
    long late = frames.stream().filter(StreamItem.Frame::late).count();
    for (int i = 0; i < frames.size(); i++) {
      StreamItem.Frame f = frames.get(i);
      assertEquals(i, f.index(), "numbered in order, shed frames included");
      if (f.late()) {
        assertNull(f.pixels(), "a late frame is not converted: " + i);
      }
    }
    // The source ran ahead of the stall by its stage buffers at most (16 frames); nearly all the
    // rest was read seconds late.
    assertTrue(late >= FRAMES / 2, late + " of " + frames.size() + " late");
    assertTrue(frames.size() >= FRAMES - 10, frames.size() + " frames of " + FRAMES);
    assertTrue(frames.get(0).converted(), "the first frame was on time");
  }

  @Test
  void withoutLagSheddingEveryFrameIsConverted() throws Exception {
    List<StreamItem.Frame> frames = readWithAStall(DecodeOptions.OFFLINE);
    assertTrue(frames.size() >= FRAMES - 10, frames.size() + " frames of " + FRAMES);
    for (StreamItem.Frame f : frames) {
      assertTrue(f.converted() && !f.late(), "frame " + f.index());
    }
  }
}

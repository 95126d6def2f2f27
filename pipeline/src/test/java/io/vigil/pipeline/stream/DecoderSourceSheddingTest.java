package io.vigil.pipeline.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.video.PictureFormat;
import io.vigil.pipeline.video.SampleVideos;
import io.vigil.pipeline.video.VideoDecoder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;

/** A source told to shed frames decodes them but does not convert them, and numbers them on. */
class DecoderSourceSheddingTest {

  private static final InputContract GRAY_28 = new InputContract(1, 28, 28, 0.5f, 0.5f);
  private static final Path TREE = SampleVideos.file("tree.avi");

  @Test
  void shedFramesKeepTheirPlaceButCarryNoPixelsOrPicture() throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "shed-source-test", ConfigFactory.load());
    try {
      AtomicLong asked = new AtomicLong();
      // Every third frame shed; pictures kept (as for an annotated video) for the others only.
      ShedSignal everyThird = () -> asked.getAndIncrement() % 3 == 2;
      List<StreamItem> items =
          DecoderSource.create(
                  "tree",
                  () -> VideoDecoder.open(TREE),
                  GRAY_28,
                  DecodeOptions.OFFLINE.withKeepImages(true).withShedding(everyThird))
              .runWith(Sink.seq(), system)
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      // tree.avi decodes to 68 frames, shed or not; then the end marker with the decoder's report.
      assertEquals(69, items.size());
      StreamItem.End end = (StreamItem.End) items.get(68);
      assertEquals(68, end.decode().framesDecoded());
      int shed = 0;
      for (int i = 0; i < 68; i++) {
        StreamItem.Frame f = (StreamItem.Frame) items.get(i);
        assertEquals(i, f.index(), "frames numbered in order, shed ones included");
        if (i % 3 == 2) {
          shed++;
          assertFalse(f.converted(), "frame " + i);
          assertNull(f.pixels());
          assertNull(f.image(), "no picture copied for a shed frame");
        } else {
          assertTrue(f.converted(), "frame " + i);
          assertEquals(GRAY_28.size(), f.pixels().length);
          assertTrue(f.image() != null, "picture kept for frame " + i);
          f.releaseImage();
        }
        if (i > 0) {
          assertTrue(
              f.ptsMicros() > ((StreamItem.Frame) items.get(i - 1)).ptsMicros(),
              "timestamps of shed frames hold too");
        }
      }
      assertEquals(22, shed);
    } finally {
      system.terminate();
    }
  }

  /**
   * A source paced at a million frames a second cannot keep up, whatever the machine: from its
   * first frame on it is more than ten times its allowed lag behind, so its decoder decodes key
   * frames only. Every frame of the file is still accounted for, in order: the skipped ones as
   * frames without pixels, each counted late.
   */
  @Test
  void aSourceFarBehindSkipsToKeyFramesAndCountsEverySkippedFrame() throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "late-source-test", ConfigFactory.load());
    try {
      List<StreamItem> items =
          DecoderSource.create(
                  "vtest",
                  () -> VideoDecoder.open(SampleVideos.file("vtest.avi"), PictureFormat.NATIVE),
                  GRAY_28,
                  DecodeOptions.OFFLINE
                      .withPacing(Pacing.realtime(1_000_000, false))
                      .withLag(new LagShedding(Duration.ofNanos(1))))
              .runWith(Sink.seq(), system)
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      StreamItem.End end = (StreamItem.End) items.get(items.size() - 1);
      List<StreamItem.Frame> frames =
          items.subList(0, items.size() - 1).stream().map(StreamItem.Frame.class::cast).toList();
      // vtest.avi has 795 frames, 4 of them key frames.
      assertEquals(795, frames.size(), "every frame of the file accounted for");
      assertTrue(end.decode().framesDecoded() <= 10, "decoded: " + end.decode());
      assertEquals(0, end.decode().framesLost(), "skipped frames are not lost: " + end.decode());
      long withoutPixels = frames.stream().filter(f -> !f.converted()).count();
      assertEquals(795, withoutPixels, "every frame came too late to convert");
      assertEquals(
          withoutPixels, frames.stream().filter(StreamItem.Frame::late).count(), "all marked late");
      for (int i = 0; i < frames.size(); i++) {
        assertEquals(i, frames.get(i).index(), "numbered in order, skipped frames included");
        if (i > 0) {
          assertTrue(frames.get(i).ptsMicros() > frames.get(i - 1).ptsMicros(), "frame " + i);
        }
      }
    } finally {
      system.terminate();
    }
  }

  /** A paced source within its allowed lag sheds nothing and decodes everything. */
  @Test
  void aSourceWithinItsLagShedsNothing() throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "on-time-source-test", ConfigFactory.load());
    try {
      // 68 frames at 1,000 fps: however slowly they decode, not a minute behind.
      List<StreamItem> items =
          DecoderSource.create(
                  "tree",
                  () -> VideoDecoder.open(TREE, PictureFormat.NATIVE),
                  GRAY_28,
                  DecodeOptions.OFFLINE
                      .withPacing(Pacing.realtime(1000, false))
                      .withLag(new LagShedding(Duration.ofMinutes(1))))
              .runWith(Sink.seq(), system)
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      assertEquals(69, items.size());
      for (int i = 0; i < 68; i++) {
        StreamItem.Frame f = (StreamItem.Frame) items.get(i);
        assertTrue(f.converted() && !f.late(), "frame " + i);
      }
    } finally {
      system.terminate();
    }
  }
}

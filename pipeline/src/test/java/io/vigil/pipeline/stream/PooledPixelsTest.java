package io.vigil.pipeline.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.frame.PixelLease;
import io.vigil.pipeline.frame.PixelPool;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.video.PictureFormat;
import io.vigil.pipeline.video.SampleVideos;
import io.vigil.pipeline.video.VideoDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;

/**
 * A stream's frames reuse the pixel buffers that the batch has already copied: over the 795 frames
 * of vtest.avi a source allocates a few buffers, not one per frame, and every frame still carries
 * exactly the pixels it would have had in a buffer of its own.
 */
class PooledPixelsTest {

  private static final InputContract GRAY_28 = new InputContract(1, 28, 28, 0.5f, 0.5f);
  private static final Path VTEST = SampleVideos.file("vtest.avi");

  /** Every frame's pixels (copied) and how many distinct buffers carried them. */
  private record Seen(List<float[]> pixels, int buffers) {}

  private static Seen read(ActorSystem<Void> system, boolean release) throws Exception {
    List<float[]> pixels = Collections.synchronizedList(new ArrayList<>());
    Set<float[]> buffers = Collections.newSetFromMap(new IdentityHashMap<>());
    DecoderSource.create(
            "vtest",
            () -> VideoDecoder.open(VTEST, PictureFormat.NATIVE),
            GRAY_28,
            DecodeOptions.OFFLINE)
        .runWith(
            Sink.foreach(
                item -> {
                  if (item instanceof StreamItem.Frame f) {
                    pixels.add(f.pixels().clone());
                    buffers.add(f.pixels());
                    if (release) {
                      f.releasePixels(); // as the batch does once it has its copy
                    }
                  }
                }),
            system)
        .toCompletableFuture()
        .get(120, TimeUnit.SECONDS);
    return new Seen(pixels, buffers.size());
  }

  @Test
  void framesReleasedByTheBatchReuseFewBuffersAndCarryTheSamePixels() throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "pooled-pixels-test", ConfigFactory.load());
    try {
      Seen held = read(system, false);
      Seen released = read(system, true);
      assertEquals(795, held.pixels().size());
      assertEquals(795, held.buffers(), "frames nobody releases each get a buffer of their own");
      assertEquals(795, released.pixels().size());
      // The source runs ahead of the sink by at most its stage buffers (16 by default), so that
      // many frames can be in flight at once; each buffer then serves frame after frame.
      assertTrue(
          released.buffers() <= DecoderSource.POOLED_FRAMES + 18,
          released.buffers() + " buffers for 795 frames");
      for (int i = 0; i < 795; i++) {
        assertArrayEquals(held.pixels().get(i), released.pixels().get(i), "frame " + i);
      }
    } finally {
      system.terminate();
    }
  }

  @Test
  void theEngineClassifierReleasesAFramesPixelsOnceItsBatchHasThem() throws Exception {
    Model model = TestModels.shipped();
    PixelPool pool = new PixelPool(model.input().size(), 8);
    List<StreamItem.Frame> batch = new ArrayList<>();
    List<float[]> copies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      PixelLease lease = pool.take();
      Arrays.fill(lease.pixels(), 0.1f * i);
      copies.add(lease.pixels().clone());
      batch.add(new StreamItem.Frame("cam", i, 0, 0, 0, lease.pixels(), null, null, false, lease));
    }
    try (EngineClassifier classifier = new EngineClassifier(model, 8, 3)) {
      classifier.submit(batch);
      // The batch has its copy: every buffer is back in the pool, free for the next frames ...
      for (StreamItem.Frame f : batch) {
        assertEquals(0, f.lease().holders(), "frame " + f.index());
        Arrays.fill(pool.take().pixels(), Float.NaN);
      }
      assertEquals(4, pool.allocated());
      List<FrameResult> pooled = classifier.collect();
      // ... and overwriting them changed nothing: the results are those of the original pixels.
      List<StreamItem.Frame> own = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        own.add(new StreamItem.Frame("cam", i, 0, 0, 0, copies.get(i)));
      }
      List<FrameResult> expected = classifier.classify(own);
      for (int i = 0; i < 4; i++) {
        assertEquals(expected.get(i).top(), pooled.get(i).top(), "frame " + i);
      }
    }
  }
}

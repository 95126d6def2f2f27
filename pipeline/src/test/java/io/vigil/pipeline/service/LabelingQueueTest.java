package io.vigil.pipeline.service;

import static io.vigil.pipeline.service.LabelingFixtures.CLASSES;
import static io.vigil.pipeline.service.LabelingFixtures.INPUT;
import static io.vigil.pipeline.service.LabelingFixtures.doubtful;
import static io.vigil.pipeline.service.LabelingFixtures.frame;
import static io.vigil.pipeline.service.LabelingFixtures.frameShowing;
import static io.vigil.pipeline.service.LabelingFixtures.normalised;
import static io.vigil.pipeline.service.LabelingFixtures.picture;
import static io.vigil.pipeline.service.LabelingFixtures.pictureOf;
import static io.vigil.pipeline.service.LabelingFixtures.result;
import static io.vigil.pipeline.service.LabelingFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.pipeline.frame.PixelLease;
import io.vigil.pipeline.frame.PixelPool;
import io.vigil.pipeline.frame.StreamItem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue joins frames with results and keeps, per stream, the frames the model doubts most. */
class LabelingQueueTest {

  @TempDir Path inbox;

  private LabelingQueue queue(LabelingSettings settings) {
    return new LabelingQueue(INPUT, CLASSES, inbox, settings);
  }

  private static List<Long> frames(List<LabelingItem> items) {
    return items.stream().map(LabelingItem::frame).toList();
  }

  @Test
  void keepsOnlyTheLeastSureFramesOfEachStreamLeastSureFirst() {
    LabelingQueue q = queue(settings(3, 16, 50, 20));
    // Margins 0.09, 0.08, ... 0.00 for frames 0..9: frames 9, 8, 7 are the least sure.
    for (int i = 0; i < 10; i++) {
      q.frame(frame("cam", i));
      q.result(doubtful("cam", i, 0.09f - 0.01f * i));
    }
    // A sure frame (top-1 0.95, lead 0.92) is never kept, however much room there is.
    q.frame(frame("other", 0));
    q.result(result("other", 0, 0.95f, 0.03f));
    q.frame(frame("other", 1));
    q.result(doubtful("other", 1, 0.05f));

    LabelingQueue.Snapshot s = q.snapshot();
    assertEquals(List.of(9L, 8L, 7L), frames(s.streams().get("cam")));
    assertEquals(List.of(1L), frames(s.streams().get("other")));
    assertTrue(q.item("cam-000009").isPresent());
    assertTrue(q.item("cam-000000").isEmpty(), "pushed out by less sure frames");
    assertTrue(q.item("other-000000").isEmpty(), "a sure frame is not asked about");
    assertEquals(0, q.pendingFrames("cam"), "every frame got its result");
  }

  @Test
  void aLowTopScoreOrASmallLeadEachMakeAFrameDoubtful() {
    LabelingQueue q = queue(settings(10, 16, 50, 20));
    q.frame(frame("cam", 0));
    q.result(result("cam", 0, 0.45f, 0.05f)); // low top-1, large lead
    q.frame(frame("cam", 1));
    q.result(result("cam", 1, 0.55f, 0.45f)); // high top-1, small lead
    q.frame(frame("cam", 2));
    q.result(result("cam", 2, 0.55f, 0.30f)); // neither
    assertEquals(List.of(1L, 0L), frames(q.snapshot().streams().get("cam")));
  }

  @Test
  void joinsAResultThatComesBeforeItsFrame() {
    LabelingQueue q = queue(settings(10, 16, 50, 20));
    q.result(doubtful("cam", 5, 0.02f));
    assertEquals(1, q.earlyResults("cam"));
    q.frame(frame("cam", 4));
    q.frame(frame("cam", 5));

    LabelingItem item = q.item("cam-000005").orElseThrow();
    assertArrayEquals(pictureOf("cam", 5), item.pixels(), "the model's input, de-normalised");
    assertEquals("v1", item.version());
    assertEquals(0.02, item.margin(), 1e-6);
    assertEquals(0, q.earlyResults("cam"));
    assertEquals(1, q.pendingFrames("cam"), "frame 4 still waits for its result");
  }

  @Test
  void aPooledFrameWaitingForItsResultKeepsItsPixelsAndGivesThemBackAfter() {
    LabelingQueue q = queue(settings(10, 2, 50, 20));
    PixelPool pool = new PixelPool(INPUT.size(), 8);
    PixelLease lease = pool.take();
    float[] shown = normalised(pictureOf("cam", 7));
    System.arraycopy(shown, 0, lease.pixels(), 0, shown.length);
    StreamItem.Frame f =
        new StreamItem.Frame("cam", 7, 0, 0, 0, lease.pixels(), null, null, false, lease);
    q.frame(f);
    // The batch copied the frame and let go; the next frame must not get the waiting one's buffer.
    f.releasePixels();
    PixelLease next = pool.take();
    Arrays.fill(next.pixels(), -1f);
    assertEquals(1, lease.holders(), "held by the queue until the result");
    q.result(doubtful("cam", 7, 0.02f));
    assertArrayEquals(pictureOf("cam", 7), q.item("cam-000007").orElseThrow().pixels());
    assertEquals(0, lease.holders(), "given back once the item has its own copy");
    // Frames forgotten without a result, and those waiting when the stream stops, go back too.
    List<PixelLease> waiting = new ArrayList<>();
    for (int i = 10; i < 14; i++) {
      PixelLease l = pool.take();
      waiting.add(l);
      StreamItem.Frame w =
          new StreamItem.Frame("cam", i, 0, 0, 0, l.pixels(), null, null, false, l);
      q.frame(w);
      w.releasePixels();
    }
    assertEquals(List.of(0, 0, 1, 1), waiting.stream().map(PixelLease::holders).toList());
    q.streamStopped("cam");
    assertEquals(List.of(0, 0, 0, 0), waiting.stream().map(PixelLease::holders).toList());
  }

  @Test
  void framesThatNeverGetAResultAreForgottenWithinTheBound() {
    LabelingQueue q = queue(settings(10, 4, 50, 20));
    for (int i = 0; i < 100; i++) {
      q.frame(frame("cam", i));
      assertTrue(q.pendingFrames("cam") <= 4);
    }
    assertEquals(96, q.unmatched("cam"));
    // A result for a frame long forgotten joins nothing; doubtful results wait, within the bound.
    for (int i = 0; i < 50; i++) {
      q.result(doubtful("cam", i, 0.01f));
      assertTrue(q.earlyResults("cam") <= 4);
    }
    assertTrue(q.items().isEmpty());
    // The recent frames still join.
    q.result(doubtful("cam", 99, 0.01f));
    assertEquals(List.of(99L), frames(q.items()));

    q.streamStopped("cam");
    assertEquals(0, q.pendingFrames("cam"));
    assertEquals(0, q.earlyResults("cam"));
    assertEquals(1, q.items().size(), "items stay labelable after their stream stops");
  }

  @Test
  void anItemOfTheSameFrameReplacesTheOlderOne() {
    LabelingQueue q = queue(settings(10, 16, 50, 20));
    q.frame(frame("cam", 3));
    q.result(doubtful("cam", 3, 0.01f));
    // The stream was added again under its id: its frame 3 is another picture.
    byte[] other = picture(77);
    q.frame(frameShowing("cam", 3, other));
    q.result(doubtful("cam", 3, 0.10f));
    assertEquals(1, q.items().size());
    LabelingItem item = q.item("cam-000003").orElseThrow();
    assertEquals(0.10, item.margin(), 1e-6);
    assertArrayEquals(other, item.pixels());
  }

  @Test
  void keptFramesAreAtLeastTheGapApartTheLessSureOfTwoCloseOnesStaying() {
    LabelingQueue q =
        queue(new LabelingSettings(0.5, 0.15, 10, 3, 16, 50, 20, 10)); // at least 3 apart
    float[] margins = {0.05f, 0.02f, 0.04f, 0.03f, 0.06f, 0.01f, 0.07f};
    for (int i = 0; i < margins.length; i++) {
      q.frame(frame("cam", i));
      q.result(doubtful("cam", i, margins[i]));
    }
    // 0 kept; 1 (less sure) replaces 0; 2 is close to 1 and surer: dropped; 3 is surer than 1:
    // dropped; 4 kept (3 from 1); 5 (less sure) replaces 4; 6 close to 5 and surer: dropped.
    assertEquals(List.of(5L, 1L), frames(q.snapshot().streams().get("cam")));
  }

  @Test
  void aPictureIsAskedAboutOnceEvenWhenALoopingClipShowsItAgain() {
    LabelingQueue q = queue(settings(10, 16, 50, 20));
    byte[] boot = picture(1);
    byte[] bag = picture(2);
    q.frame(frameShowing("cam", 0, boot));
    q.result(doubtful("cam", 0, 0.05f));
    q.frame(frameShowing("cam", 1, bag));
    q.result(doubtful("cam", 1, 0.05f));
    // The next loop, less sure of both (another model version): still waiting, not asked again.
    q.frame(frameShowing("cam", 100, boot));
    q.result(doubtful("cam", 100, 0.01f));
    assertEquals(List.of(0L, 1L), frames(q.items()));

    q.label("cam-000000", "Ankle boot");
    q.skip("cam-000001");
    q.frame(frameShowing("cam", 200, boot));
    q.result(doubtful("cam", 200, 0.01f));
    q.frame(frameShowing("cam", 201, bag));
    q.result(doubtful("cam", 201, 0.01f));
    assertTrue(q.items().isEmpty(), "answered pictures are not asked about again");

    q.frame(frameShowing("cam", 202, picture(3)));
    q.result(doubtful("cam", 202, 0.01f));
    assertEquals(List.of(202L), frames(q.items()));
  }

  @Test
  void tapsOnManyThreadsJoinEveryFrame() throws Exception {
    int streams = 4;
    int framesEach = 2_000;
    LabelingQueue q = queue(settings(framesEach, framesEach, 50, 20));
    ExecutorService pool = Executors.newFixedThreadPool(streams + 1);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int s = 0; s < streams; s++) {
        String id = "cam" + s;
        work.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < framesEach; i++) {
                    q.frame(frame(id, i));
                  }
                  return null;
                }));
      }
      // One writer thread hands out the results, interleaved with the frames.
      work.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < framesEach; i++) {
                  for (int s = 0; s < streams; s++) {
                    // Every other frame doubtful; the others sure.
                    q.result(
                        i % 2 == 0
                            ? doubtful("cam" + s, i, 0.05f)
                            : result("cam" + s, i, 0.9f, 0.05f));
                  }
                }
                return null;
              }));
      start.countDown();
      for (Future<?> f : work) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (int s = 0; s < streams; s++) {
      String id = "cam" + s;
      assertEquals(framesEach / 2, q.snapshot().streams().get(id).size(), id);
      assertEquals(0, q.pendingFrames(id), id + ": every frame was joined");
      assertEquals(0, q.earlyResults(id), id + ": every result was joined");
      assertArrayEquals(pictureOf(id, 1000), q.item(id + "-001000").orElseThrow().pixels());
    }
  }

  @Test
  void skippingOrLabelingTakesAnItemOutAndUnknownOnesAreNamed() {
    LabelingQueue q = queue(settings(10, 16, 50, 20));
    for (int i = 0; i < 3; i++) {
      q.frame(frame("cam", i));
      q.result(doubtful("cam", i, 0.01f * i));
    }
    assertEquals(0, q.skip("cam-000000"));
    assertEquals(1, q.label("cam-000001", "Trouser").labeled());

    LabelingQueue.UnknownItemException gone =
        assertThrows(LabelingQueue.UnknownItemException.class, () -> q.skip("cam-000000"));
    assertTrue(gone.getMessage().contains("cam-000000"), gone.getMessage());
    assertThrows(LabelingQueue.UnknownItemException.class, () -> q.label("cam-000001", "Bag"));
    assertThrows(LabelingQueue.UnknownItemException.class, () -> q.label("nope-000001", "Bag"));

    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> q.label("cam-000002", "Hat"));
    assertTrue(bad.getMessage().contains("'Hat'"), bad.getMessage());
    assertTrue(bad.getMessage().contains("T-shirt/top, Trouser, Pullover"), bad.getMessage());
    assertTrue(q.item("cam-000002").isPresent(), "a wrong label leaves the item waiting");
    assertEquals(1, q.snapshot().labeled());
  }

  @Test
  void settingsOutOfRangeAreNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LabelingSettings(0.5, 0.15, 50, 1, 128, 10, 20, 10));
    assertTrue(e.getMessage().contains("vigil.serve.labeling.frames-per-clip"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new LabelingSettings(1.5, 0.15, 50, 1, 128, 50, 20, 10));
    assertThrows(
        IllegalArgumentException.class,
        () -> new LabelingSettings(0.5, 0.15, 50, 0, 128, 50, 20, 10));
    LabelingSettings read =
        LabelingSettings.from(
            com.typesafe.config.ConfigFactory.parseString(
                "max-top-score = 0.4, max-margin = 0.1, per-stream = 20, min-gap = 3,"
                    + " max-pending = 64,"
                    + " frames-per-clip = 100, min-clip-frames = 20, fps = 5"));
    assertEquals(new LabelingSettings(0.4, 0.1, 20, 3, 64, 100, 20, 5), read);
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> LabelingSettings.from(com.typesafe.config.ConfigFactory.parseString("fps = 5")));
    assertTrue(missing.getMessage().contains("vigil.serve.labeling"), missing.getMessage());
  }
}

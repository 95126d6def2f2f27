package io.vigil.pipeline.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Backends;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The engine classifier with batches in flight: a batch split in two halves gives the results of
 * the whole batch, one per frame in order; batches submitted across calls come out in order, each
 * with its own results, whatever the caller does with the pixels after submitting; on OpenCL the
 * split batches give the CPU's labels; on the CPU nothing is split. Through the stream's {@link
 * InferenceWindow} a batch gives what {@code classify} gives: one at a time on the CPU, two in
 * flight on a GPU.
 */
class EngineClassifierTest {

  private static final int MAX_BATCH = 32;

  /** {@code n} frames of three interleaved streams, with random pixels drawn from {@code seed}. */
  private static List<StreamItem.Frame> frames(Model model, int n, long seed) {
    Random random = new Random(seed);
    List<StreamItem.Frame> frames = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] pixels = new float[model.input().size()];
      for (int p = 0; p < pixels.length; p++) {
        pixels[p] = (float) random.nextGaussian();
      }
      frames.add(new StreamItem.Frame("s" + i % 3, seed * 100 + i, 40_000L * i, 0, 0, pixels));
    }
    return frames;
  }

  /** Same frames in the same order with the same labels; scores within {@code tolerance}. */
  private static void assertSameResults(
      List<FrameResult> expected, List<FrameResult> actual, double tolerance, String what) {
    assertEquals(expected.size(), actual.size(), what + ": results");
    for (int i = 0; i < expected.size(); i++) {
      FrameResult e = expected.get(i);
      FrameResult a = actual.get(i);
      String at = what + ", result " + i;
      assertEquals(e.stream(), a.stream(), at);
      assertEquals(e.frame(), a.frame(), at);
      assertEquals(e.ptsMicros(), a.ptsMicros(), at);
      assertEquals(e.top().size(), a.top().size(), at);
      for (int r = 0; r < e.top().size(); r++) {
        assertEquals(e.top().get(r).classIndex(), a.top().get(r).classIndex(), at + ", rank " + r);
        assertEquals(e.top().get(r).score(), a.top().get(r).score(), tolerance, at + ", rank " + r);
      }
    }
  }

  private static void assertInFrameOrder(List<StreamItem.Frame> frames, List<FrameResult> results) {
    assertEquals(frames.size(), results.size());
    for (int i = 0; i < frames.size(); i++) {
      assertEquals(frames.get(i).stream(), results.get(i).stream());
      assertEquals(frames.get(i).index(), results.get(i).frame());
    }
  }

  @Test
  void aBatchSplitInHalvesGivesTheWholeBatchsResultsInOrder() {
    Model model = TestModels.untrained();
    try (EngineClassifier whole = new EngineClassifier(model, MAX_BATCH, 3);
        EngineClassifier split = new EngineClassifier(model, MAX_BATCH, 3, true)) {
      // On the CPU a batch is never split: the classifier runs as it always did.
      assertEquals(Integer.MAX_VALUE, whole.smallestHalf());
      assertEquals(1, split.smallestHalf());
      for (int n : new int[] {1, 2, 3, 17, MAX_BATCH}) {
        List<StreamItem.Frame> frames = frames(model, n, n);
        List<FrameResult> expected = whole.classify(frames);
        assertInFrameOrder(frames, expected);
        assertSameResults(expected, split.classify(frames), 1e-6, n + " frames");
      }
    }
  }

  @Test
  void batchesSubmittedAcrossCallsComeOutInOrderWithTheirOwnResults() {
    Model model = TestModels.untrained();
    List<StreamItem.Frame> a = frames(model, 5, 1);
    List<StreamItem.Frame> b = frames(model, 7, 2);
    List<StreamItem.Frame> c = frames(model, 3, 3);
    try (EngineClassifier classifier = new EngineClassifier(model, 16, 3)) {
      List<FrameResult> expectedA = classifier.classify(a);
      List<FrameResult> expectedB = classifier.classify(b);
      List<FrameResult> expectedC = classifier.classify(c);

      classifier.submit(a);
      classifier.submit(b);
      // The pixels were copied: a caller may reuse the arrays at once.
      for (StreamItem.Frame f : a) {
        Arrays.fill(f.pixels(), Float.NaN);
      }
      IllegalStateException third =
          assertThrows(IllegalStateException.class, () -> classifier.submit(c));
      assertTrue(
          third.getMessage().startsWith("predictor for " + model.version() + ": 2 batches"),
          third.getMessage());
      IllegalStateException whole =
          assertThrows(IllegalStateException.class, () -> classifier.classify(c));
      assertEquals(
          "classifier for "
              + model.version()
              + ": classify while 2 submitted batch(es) wait to be collected",
          whole.getMessage());

      assertSameResults(expectedA, classifier.collect(), 0, "first batch");
      classifier.submit(c);
      assertSameResults(expectedB, classifier.collect(), 0, "second batch");
      assertSameResults(expectedC, classifier.collect(), 0, "third batch");
      IllegalStateException none = assertThrows(IllegalStateException.class, classifier::collect);
      assertTrue(none.getMessage().contains("nothing to collect"), none.getMessage());
    }
  }

  @Test
  void startedBatchesGiveClassifysResultsAndOnTheCpuTheWindowHoldsOne() throws Exception {
    Model model = TestModels.untrained();
    try (EngineClassifier reference = new EngineClassifier(model, 16, 3);
        EngineClassifier started = new EngineClassifier(model, 16, 3)) {
      // On the CPU submit computes the batch: a second in flight would only delay the first.
      assertEquals(1, started.maxInFlight());
      List<StreamItem.Frame> a = frames(model, 5, 1);
      List<StreamItem.Frame> b = frames(model, 7, 2);
      Supplier<List<FrameResult>> first = started.start(a);
      Supplier<List<FrameResult>> second = started.start(b);
      assertSameResults(reference.classify(a), first.get(), 0, "first started");
      assertSameResults(reference.classify(b), second.get(), 0, "second started");
      assertWindowGivesClassifysResults(model, reference, started);
    }
  }

  /** Batches of 5, 7 and 3 frames through an {@link InferenceWindow} on {@code windowed}. */
  private static void assertWindowGivesClassifysResults(
      Model model, EngineClassifier reference, EngineClassifier windowed) throws Exception {
    ExecutorService engine = Executors.newSingleThreadExecutor();
    try {
      InferenceWindow window = new InferenceWindow(engine);
      List<List<StreamItem.Frame>> batches =
          List.of(frames(model, 5, 21), frames(model, 7, 22), frames(model, 3, 23));
      List<CompletableFuture<ClassifiedBatch>> out = new ArrayList<>();
      for (List<StreamItem.Frame> batch : batches) {
        out.add(window.classify(List.copyOf(batch), windowed));
      }
      for (int i = 0; i < batches.size(); i++) {
        ClassifiedBatch batch = out.get(i).get(20, TimeUnit.SECONDS);
        assertSameResults(
            reference.classify(batches.get(i)),
            batch.results(),
            1e-4,
            "batch " + i + " through the window of " + windowed.maxInFlight());
      }
    } finally {
      engine.shutdown();
      assertTrue(engine.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void onOpenClTheWindowGivesTheCpusLabelsAndHoldsTwoOnlyBesideTheHost() throws Exception {
    Backend cl = Backends.create("opencl");
    try {
      Model onCpu = ModelFile.load(TestModels.SHIPPED);
      Model onCl = ModelFile.load(TestModels.SHIPPED, cl);
      try (EngineClassifier reference = new EngineClassifier(onCpu, MAX_BATCH, 3);
          EngineClassifier windowed = new EngineClassifier(onCl, MAX_BATCH, 3)) {
        assertEquals(cl.computesBesideHost() ? 2 : 1, windowed.maxInFlight());
        assertWindowGivesClassifysResults(onCpu, reference, windowed);
      }
    } finally {
      if (cl instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }

  @Test
  void onOpenClSplitBatchesGiveTheCpusLabels() throws Exception {
    Backend cl = Backends.create("opencl");
    try {
      Model onCpu = ModelFile.load(TestModels.SHIPPED);
      Model onCl = ModelFile.load(TestModels.SHIPPED, cl);
      try (EngineClassifier reference = new EngineClassifier(onCpu, MAX_BATCH, 3);
          EngineClassifier split = new EngineClassifier(onCl, MAX_BATCH, 3, true);
          EngineClassifier plain = new EngineClassifier(onCl, MAX_BATCH, 3)) {
        // A device that is the host's CPU (PoCL) never splits; a GPU does, from 1 MiB a half.
        assertEquals(cl.computesBesideHost(), plain.smallestHalf() < Integer.MAX_VALUE);
        for (int n : new int[] {1, 9, MAX_BATCH}) {
          List<StreamItem.Frame> frames = frames(onCpu, n, 10 + n);
          List<FrameResult> expected = reference.classify(frames);
          assertSameResults(expected, split.classify(frames), 1e-4, n + " frames on " + cl.name());
          assertSameResults(expected, plain.classify(frames), 1e-4, n + " frames on " + cl.name());
        }
      }
    } finally {
      if (cl instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }
}

package io.vigil.pipeline.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The swap procedure and its slot without a stream: fit checks, the trial batch, the switch at a
 * batch, the report, supersession and close. The window runs on the calling thread, the loads too.
 */
class HotSwapTest {

  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final Model a = SwapFakes.model("a", 1);
  private final Model b = SwapFakes.model("b", 2);
  private final Model c = SwapFakes.model("c", 3);
  private final ScriptedClassifier first = new ScriptedClassifier(a.version(), 1, log);
  private final ClassifierSlot slot = new ClassifierSlot(first);
  private final InferenceWindow window = new InferenceWindow(Runnable::run);
  private final SwapFakes.Loader loader = new SwapFakes.Loader(1, log);

  private HotSwap swaps(Function<Model, FrameClassifier> load) {
    return new HotSwap(slot, SwapFakes.TINY, load, 4, null, Runnable::run);
  }

  private static List<StreamItem> frames(long from, int n) {
    List<StreamItem> items = new ArrayList<>();
    for (long i = from; i < from + n; i++) {
      items.add(new StreamItem.Frame("s", i, 0, 0, 0, new float[4]));
    }
    return items;
  }

  /** Runs a batch through the slot and "writes" it. */
  private ClassifierSlot.Served batch(List<StreamItem> items) throws Exception {
    ClassifierSlot.Served served = slot.classify(items, window).get();
    slot.delivered(served);
    return served;
  }

  private static Throwable failure(CompletableFuture<?> f) {
    return assertThrows(ExecutionException.class, f::get).getCause();
  }

  @Test
  void aModelThatDoesNotFitIsRefusedNamingBothVersionsAndNothingIsBuilt() throws Exception {
    HotSwap swaps = swaps(loader);
    Model otherClasses = SwapFakes.model("cats", 4, SwapFakes.TINY, List.of("cat", "dog"));
    Model otherInput =
        SwapFakes.model("rgb", 5, new InputContract(3, 2, 2, 0.5f, 0.5f), SwapFakes.CLASSES);

    Throwable classes = failure(swaps.swap(otherClasses).toCompletableFuture());
    assertInstanceOf(IllegalArgumentException.class, classes);
    assertEquals(
        "model "
            + otherClasses.version()
            + " does not fit the pipeline serving "
            + a.version()
            + ": its classes are [cat, dog], the pipeline's [zero, one]; "
            + a.version()
            + " keeps serving",
        classes.getMessage());
    Throwable input = failure(swaps.swap(otherInput).toCompletableFuture());
    assertInstanceOf(IllegalArgumentException.class, input);
    assertTrue(
        input.getMessage().contains(otherInput.version())
            && input.getMessage().contains(a.version())
            && input
                .getMessage()
                .contains("its input is 3×2×2 (mean 0.5, std 0.5), the pipeline's 1×2×2"),
        input.getMessage());
    Model perChannel =
        SwapFakes.model(
            "imagenet",
            6,
            InputContract.perChannel(
                3,
                2,
                2,
                new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f}),
            SwapFakes.CLASSES);
    Throwable norm = failure(swaps.swap(perChannel).toCompletableFuture());
    assertTrue(
        norm.getMessage()
            .contains(
                "its input is 3×2×2 (mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]),"
                    + " the pipeline's 1×2×2"),
        norm.getMessage());

    assertEquals(0, loader.built().size(), "nothing built for a misfit");
    assertEquals(a.version(), swaps.modelVersion());
    assertEquals(a.version(), batch(frames(0, 2)).batch().results().get(1).model());
  }

  @Test
  void aClassifierThatFailsItsTrialIsClosedAndTheOldKeepsServing() throws Exception {
    List<FrameClassifier> built = new ArrayList<>();
    HotSwap throwing =
        swaps(
            m -> {
              ScriptedClassifier s = new ScriptedClassifier(m.version(), 1, log).failingStartOf(0);
              built.add(s);
              return s;
            });
    Throwable thrown = failure(throwing.swap(b).toCompletableFuture());
    assertInstanceOf(IllegalStateException.class, thrown);
    assertEquals(
        b.version()
            + " failed its trial batch of 4 frames, "
            + a.version()
            + " keeps serving: "
            + b.version()
            + ": start of batch 0 failed",
        thrown.getMessage());
    assertEquals(1, ((ScriptedClassifier) built.get(0)).closes(), "the failed one is closed");

    Throwable nan =
        failure(swaps(m -> track(built, new NanClassifier(m))).swap(b).toCompletableFuture());
    assertTrue(nan.getMessage().endsWith("frame 0 scored NaN for zero"), nan.getMessage());
    assertTrue(((NanClassifier) built.get(1)).closed, "the NaN one is closed");

    Throwable lying =
        failure(
            swaps(m -> track(built, new ScriptedClassifier(c.version(), 1, log)))
                .swap(b)
                .toCompletableFuture());
    assertTrue(
        lying.getMessage().endsWith("the classifier built for it reports version " + c.version()),
        lying.getMessage());
    assertEquals(1, ((ScriptedClassifier) built.get(2)).closes());

    assertEquals(a.version(), slot.modelVersion());
    List<FrameResult> results = batch(frames(0, 3)).batch().results();
    assertTrue(results.stream().allMatch(r -> r.model().equals(a.version())), results.toString());
    assertEquals(0, first.closes(), "the old one serves on");
  }

  @Test
  void theNextBatchTakesTheNewModelAndTheReportComesWithItsFirstResult() throws Exception {
    HotSwap swaps = swaps(loader);
    batch(frames(0, 3));
    CompletableFuture<SwapReport> report = swaps.swap(b).toCompletableFuture();
    ScriptedClassifier next = loader.built().get(0);
    assertEquals(
        List.of(a.version() + " start 0", a.version() + " collect 0", "#0 start 0", "#0 collect 0"),
        log);
    assertEquals(
        a.version(), swaps.modelVersion(), "still the old one until a batch takes the new");
    assertFalse(report.isDone());

    ClassifierSlot.Served served = slot.classify(frames(3, 2), window).get();
    assertEquals(1, first.closes(), "the old one retired before the new one's first batch");
    assertTrue(served.batch().results().stream().allMatch(r -> r.model().equals(b.version())));
    assertEquals(b.version(), swaps.modelVersion());
    assertFalse(report.isDone(), "not before the result is written");
    slot.delivered(served);
    SwapReport r = report.get();
    assertEquals(a.version(), r.fromVersion());
    assertEquals(b.version(), r.toVersion());
    assertEquals(3, r.framesBefore(), "the results of a written before");
    assertTrue(r.loadMillis() >= 0 && r.toFirstResultMillis() >= r.loadMillis(), r.toString());

    slot.close();
    assertEquals(1, next.closes(), "closing the slot closes the one serving");
    assertEquals(1, first.closes());
  }

  @Test
  void aSwapSupersededBeforeItsFirstBatchIsCancelledAndClosedAndCloseLeavesNothingOpen()
      throws Exception {
    HotSwap swaps = swaps(loader);
    batch(frames(0, 2));
    CompletableFuture<SwapReport> toB = swaps.swap(b).toCompletableFuture();
    // A batch of markers only takes no classifier: b stays unused.
    slot.delivered(slot.classify(List.of(new StreamItem.End("s", null)), window).get());
    CompletableFuture<SwapReport> toC = swaps.swap(c).toCompletableFuture();
    CancellationException superseded = assertThrows(CancellationException.class, toB::get);
    assertEquals(
        "swap to "
            + b.version()
            + " cancelled: a swap to "
            + c.version()
            + " superseded it before its first batch",
        superseded.getMessage());
    assertEquals(1, loader.built().get(0).closes(), "b closed, never used");
    assertEquals(a.version(), slot.modelVersion());

    slot.close();
    assertThrows(CancellationException.class, toC::get);
    assertEquals(0, loader.open(), "c closed, never used");
    assertEquals(1, first.closes(), "the last one used closed");
    CancellationException late =
        assertThrows(CancellationException.class, () -> swaps.swap(a).toCompletableFuture().get());
    assertTrue(late.getMessage().contains("closed"), late.getMessage());
    assertEquals(2, loader.built().size(), "nothing built once closed");
    SwapChecks.assertOneClassifierAtATime(log, java.util.Set.of("#0", "#1"));
  }

  @Test
  void swapsThroughTheirOwnLoaderThreadFailOnceItIsClosed() throws Exception {
    HotSwap swaps = new HotSwap(slot, SwapFakes.TINY, loader, 4, null);
    Throwable misfit =
        failure(
            swaps
                .swap(SwapFakes.model("x", 9, SwapFakes.TINY, List.of("x")))
                .toCompletableFuture());
    assertInstanceOf(IllegalArgumentException.class, misfit);
    swaps.close();
    Throwable closed = failure(swaps.swap(b).toCompletableFuture());
    assertEquals("cannot swap in " + b.version() + ": the pipeline is closed", closed.getMessage());
    assertEquals(0, loader.built().size());
  }

  private static FrameClassifier track(List<FrameClassifier> built, FrameClassifier c) {
    built.add(c);
    return c;
  }

  /** Answers NaN for every frame, as a model with broken weights would. */
  private static final class NanClassifier implements FrameClassifier {
    private final Model model;
    boolean closed;

    NanClassifier(Model model) {
      this.model = model;
    }

    @Override
    public List<FrameResult> classify(List<StreamItem.Frame> frames) {
      List<FrameResult> out = new ArrayList<>();
      for (StreamItem.Frame f : frames) {
        out.add(
            new FrameResult(
                f.stream(),
                f.index(),
                0,
                model.version(),
                List.of(new LabelScore(0, "zero", Float.NaN)),
                0));
      }
      return out;
    }

    @Override
    public String modelVersion() {
      return model.version();
    }

    @Override
    public List<String> classNames() {
      return model.classNames();
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}

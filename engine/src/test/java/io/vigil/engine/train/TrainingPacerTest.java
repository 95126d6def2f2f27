package io.vigil.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.zoo.LeNet5;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The trainer asks its pacer before every mini-batch, and stops when the pacer says so. */
class TrainingPacerTest {

  private static LabeledImages train;
  private static LabeledImages test;

  @BeforeAll
  static void load() throws IOException {
    train = FashionMnist.train(FashionMnist.DEFAULT_DIR).head(300);
    test = FashionMnist.test(FashionMnist.DEFAULT_DIR).head(50);
  }

  private static Trainer trainer(int epochs) {
    TrainingConfig config =
        new TrainingConfig(epochs, 32, 1e-3f, 0.9f, 0f, 1L).withOptimizer(OptimizerKind.ADAM);
    return new Trainer(LeNet5.create(1), LeNet5.INPUT, config);
  }

  @Test
  void aCountingPacerSeesOneCallPerBatch() {
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger epochEnds = new AtomicInteger();
    trainer(2)
        .optPacer(calls::incrementAndGet)
        .fit(
            train,
            test,
            new TrainingListener() {
              @Override
              public void onProgress(TrainingProgress p) {}

              @Override
              public void onEpochEnd(EpochSummary s) {
                // ⌈300 / 32⌉ = 10 batches per epoch.
                assertEquals(10 * s.epoch(), calls.get());
                epochEnds.incrementAndGet();
              }
            });

    assertEquals(20, calls.get());
    assertEquals(2, epochEnds.get());
  }

  @Test
  void aPacerThatThrowsInterruptedStopsTrainingBeforeTheNextBatch() {
    AtomicInteger calls = new AtomicInteger();
    int allowed = 13; // into the second epoch
    TrainingPacer pacer =
        () -> {
          if (calls.incrementAndGet() > allowed) {
            throw new InterruptedException("paused for good");
          }
        };
    AtomicInteger epochEnds = new AtomicInteger();
    try {
      TrainingCancelledException e =
          assertThrows(
              TrainingCancelledException.class,
              () ->
                  trainer(5)
                      .optPacer(pacer)
                      .fit(
                          train,
                          test,
                          new TrainingListener() {
                            @Override
                            public void onProgress(TrainingProgress p) {}

                            @Override
                            public void onEpochEnd(EpochSummary s) {
                              epochEnds.incrementAndGet();
                            }
                          }));

      assertEquals(allowed + 1, calls.get(), "no call after the one that threw");
      assertEquals(allowed, e.batchesDone());
      assertEquals(2, e.epoch());
      assertEquals(1, epochEnds.get());
      assertInstanceOf(InterruptedException.class, e.getCause());
      assertFalse(IllegalStateException.class.isInstance(e), "a cancel is not a divergence");
      assertTrue(e.getMessage().contains("epoch 2 after 13 mini-batches"), e.getMessage());
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is set again");
    } finally {
      Thread.interrupted();
    }
  }
}

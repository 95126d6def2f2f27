package io.vigil.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.AdamStep;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.zoo.LeNet5;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Optimizers, schedules and augmentation. */
class TrainingOptionsTest {

  @Test
  void adamUpdateFollowsKingmaAndBa() {
    CpuBackend backend = new CpuBackend(1);
    Tensor w = backend.allocate(new Shape(1, 1, 1, 2));
    Tensor g = backend.allocate(new Shape(1, 1, 1, 2));
    Tensor m = backend.allocate(new Shape(1, 1, 1, 2));
    Tensor v = backend.allocate(new Shape(1, 1, 1, 2));
    backend.upload(new float[] {1f, -2f}, 0, w, 0, 2);
    double[] ref = {1, -2};
    double[] refM = {0, 0};
    double[] refV = {0, 0};
    double[][] grads = {{0.5, -1}, {0.25, 3}, {-0.5, 0.1}};
    for (int t = 1; t <= 3; t++) {
      backend.upload(new float[] {(float) grads[t - 1][0], (float) grads[t - 1][1]}, 0, g, 0, 2);
      backend.adamUpdate(w, g, m, v, AdamStep.at(t, 0.1f, 0.9f, 0.999f, 1e-8f, 0.01f));
      for (int i = 0; i < 2; i++) {
        double grad = grads[t - 1][i] + 0.01 * ref[i];
        refM[i] = 0.9 * refM[i] + 0.1 * grad;
        refV[i] = 0.999 * refV[i] + 0.001 * grad * grad;
        double mHat = refM[i] / (1 - Math.pow(0.9, t));
        double vHat = refV[i] / (1 - Math.pow(0.999, t));
        ref[i] -= 0.1 * mHat / (Math.sqrt(vHat) + 1e-8);
      }
    }
    float[] got = new float[2];
    backend.download(w, 0, got, 0, 2);
    assertArrayEquals(new float[] {(float) ref[0], (float) ref[1]}, got, 1e-5f);
  }

  @Test
  void adamTrainsLeNet() throws IOException {
    LabeledImages train = FashionMnist.train(FashionMnist.DEFAULT_DIR).head(3_000);
    LabeledImages test = FashionMnist.test(FashionMnist.DEFAULT_DIR).head(500);
    TrainingConfig adam =
        new TrainingConfig(1, 32, 0.001f, 0.9f, 0f, 1L).withOptimizer(OptimizerKind.ADAM);
    TrainingResult result =
        new Trainer(LeNet5.create(1), LeNet5.INPUT, adam)
            .fit(train, test, TrainingListener.silent());
    assertTrue(result.testAccuracy() > 0.65, "accuracy " + result.testAccuracy());
  }

  @Test
  void schedulesGiveTheirFactors() {
    assertEquals(1f, new LearningRateSchedule.Constant().factor(7, 10));
    LearningRateSchedule step = new LearningRateSchedule.Step(3, 0.1f);
    assertEquals(1f, step.factor(3, 10), 1e-7f);
    assertEquals(0.1f, step.factor(4, 10), 1e-7f);
    assertEquals(0.01f, step.factor(7, 10), 1e-7f);
    LearningRateSchedule cosine = new LearningRateSchedule.Cosine(0f);
    assertEquals(1f, cosine.factor(1, 4), 1e-6f);
    assertEquals(0.5f, cosine.factor(3, 4), 1e-6f);
    assertTrue(cosine.factor(4, 4) < 0.15f);
  }

  @Test
  void oneCycleWarmsUpToThePeakThenAnnealsWithinEpochs() {
    LearningRateSchedule cycle = new LearningRateSchedule.OneCycle(0.3f);
    // 10 epochs: the first step runs at 1/25 of the peak, the peak falls 30% into the run (epoch
    // 4, 0.0 in), and the anneal ends near 1/25 000 of it.
    assertEquals(0.04f, cycle.factorAt(1, 10, 0), 1e-6f);
    assertEquals(1f, cycle.factorAt(4, 10, 0), 1e-6f);
    assertEquals((0.04f + 1f) / 2, cycle.factorAt(2, 10, 0.5), 1e-6f);
    float last = cycle.factorAt(10, 10, 0.999);
    assertTrue(last > 0 && last < 1e-4f, "last step's factor " + last);
    // It changes within an epoch, rising before the peak and falling after it.
    assertTrue(cycle.factorAt(2, 10, 0.5) > cycle.factorAt(2, 10, 0.1));
    assertTrue(cycle.factorAt(7, 10, 0.5) < cycle.factorAt(7, 10, 0.1));
    // Epoch-level schedules ignore the fraction.
    assertEquals(0.1f, new LearningRateSchedule.Step(3, 0.1f).factorAt(4, 10, 0.9), 1e-7f);
    assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule.OneCycle(1f));
  }

  @Test
  void schedulesAndAugmentationsReadTheirTextForms() {
    for (String text :
        new String[] {
          "constant", "step:5:0.5", "cosine", "cosine:0.1", "onecycle", "onecycle:0.2"
        }) {
      assertEquals(text, LearningRateSchedule.parse(text).toString());
    }
    for (String text : new String[] {"none", "shift:2", "flip", "shift:3,flip"}) {
      assertEquals(text, Augmentation.parse(text).toString());
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("linear"));
    assertTrue(e.getMessage().contains("linear") && e.getMessage().contains("cosine"));
    e = assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("rotate"));
    assertTrue(e.getMessage().contains("rotate"));
    e = assertThrows(IllegalArgumentException.class, () -> OptimizerKind.parse("rmsprop"));
    assertTrue(e.getMessage().contains("rmsprop") && e.getMessage().contains("adam"));
  }

  /** A generator whose draws are chosen by the test. */
  private static Random scripted(int nextInt1, int nextInt2, boolean flip) {
    return new Random() {
      private int calls;

      @Override
      public int nextInt(int bound) {
        return calls++ == 0 ? nextInt1 : nextInt2;
      }

      @Override
      public boolean nextBoolean() {
        return flip;
      }
    };
  }

  @Test
  void augmentationShiftsAndFlipsWithABlackBorder() {
    // One 3×3 image with pixels 10..90; contract mean 0, std 1 so values are pixel/255.
    byte[] pixels = new byte[9];
    for (int i = 0; i < 9; i++) {
      pixels[i] = (byte) (10 * (i + 1));
    }
    LabeledImages image = new LabeledImages(1, 3, 3, pixels, new int[] {0});
    InputContract contract = new InputContract(1, 3, 3, 0f, 1f);
    float[] out = new float[9];

    // shift 1: draws 2 → dx = +1, 0 → dy = −1; no flip.
    new SampleWriter(image, contract, new Augmentation(1, false))
        .write(0, scripted(2, 0, false), out, 0);
    float[] shifted = {0, 0, 0, 20, 30, 0, 50, 60, 0};
    for (int i = 0; i < 9; i++) {
      assertEquals(shifted[i] / 255f, out[i], 1e-6f, "shifted pixel " + i);
    }

    new SampleWriter(image, contract, new Augmentation(0, true))
        .write(0, scripted(0, 0, true), out, 0);
    float[] flipped = {30, 20, 10, 60, 50, 40, 90, 80, 70};
    for (int i = 0; i < 9; i++) {
      assertEquals(flipped[i] / 255f, out[i], 1e-6f, "flipped pixel " + i);
    }
  }
}

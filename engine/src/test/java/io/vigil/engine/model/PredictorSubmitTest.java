package io.vigil.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.network.Network;
import io.vigil.engine.zoo.LeNet5;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Predictor#submit} and {@link Predictor#collect} on the CPU backend: with two batches in
 * flight and the caller's input array overwritten right after each submit, every batch comes out in
 * order with exactly the probabilities {@code predict} gives it, on one executor and in shares;
 * misuse fails with a message that names the predictor.
 */
class PredictorSubmitTest {

  private static final int MAX_BATCH = 13;

  /** Awkward sizes: full, single, odd, and sizes that do and do not split into shares. */
  private static final int[] BATCHES = {13, 1, 5, 7, 2, 13, 11, 3};

  private static final int CLASSES = 10;
  private static final int IMAGE = LeNet5.INPUT.size();

  static Model lenet(Backend backend) {
    Network network = Network.fromSpec(LeNet5.spec(CLASSES), backend);
    network.initialise(11);
    return Model.create(
        "submit",
        network,
        LeNet5.INPUT,
        FashionMnist.CLASS_NAMES,
        new Provenance("random", 0, 0, null, "", "test"));
  }

  static float[] images(int batch, long seed) {
    float[] in = new float[batch * IMAGE];
    Random random = new Random(seed);
    for (int i = 0; i < in.length; i++) {
      in[i] = (float) random.nextGaussian();
    }
    return in;
  }

  @Test
  void twoInFlightOnOneExecutorGiveWhatPredictGivesInOrder() {
    assertPipelinedMatchesPredict(lenet(new CpuBackend(1)));
  }

  @Test
  void twoInFlightInSharesGiveWhatPredictGivesInOrder() {
    // 3 workers: batches of 6 images and more run in shares, smaller ones on one executor.
    assertPipelinedMatchesPredict(lenet(new CpuBackend(3)));
  }

  @Test
  void imagesInArraysOfTheirOwnGiveWhatAFlatBatchGives() {
    assertPerImageMatchesPredict(lenet(new CpuBackend(1)));
  }

  @Test
  void imagesInArraysOfTheirOwnGiveWhatAFlatBatchGivesInShares() {
    assertPerImageMatchesPredict(lenet(new CpuBackend(3)));
  }

  /**
   * Each batch submitted as one array per image (some longer than an image, as a pooled buffer may
   * be), two in flight, every array overwritten right after its submit: the same probabilities, bit
   * for bit, as the flat batch through {@code predict}.
   */
  static void assertPerImageMatchesPredict(Model model) {
    float[][] inputs = new float[BATCHES.length][];
    float[][] expected = new float[BATCHES.length][];
    try (Predictor reference = model.newPredictor(MAX_BATCH)) {
      for (int k = 0; k < BATCHES.length; k++) {
        inputs[k] = images(BATCHES[k], 200 + k);
        expected[k] = new float[BATCHES[k] * CLASSES];
        reference.predict(inputs[k], BATCHES[k], expected[k]);
      }
    }
    try (Predictor predictor = model.newPredictor(MAX_BATCH)) {
      float[] out = new float[MAX_BATCH * CLASSES];
      int collected = 0;
      for (int k = 0; k < BATCHES.length; k++) {
        if (predictor.inFlight() == Predictor.MAX_IN_FLIGHT) {
          assertCollects(predictor, out, expected[collected], collected++);
        }
        List<float[]> arrays = new ArrayList<>();
        for (int i = 0; i < BATCHES[k]; i++) {
          float[] image = new float[IMAGE + (i % 2) * 5];
          Arrays.fill(image, Float.NaN);
          System.arraycopy(inputs[k], i * IMAGE, image, 0, IMAGE);
          arrays.add(image);
        }
        predictor.submit(arrays);
        // Each image was copied: what the caller writes now must not reach the batch.
        arrays.forEach(image -> Arrays.fill(image, Float.NaN));
      }
      while (collected < BATCHES.length) {
        assertCollects(predictor, out, expected[collected], collected++);
      }
    }
  }

  @Test
  void anImageTooShortIsRefusedNamingIt() {
    Model model = lenet(new CpuBackend(1));
    try (Predictor predictor = model.newPredictor(4)) {
      List<float[]> batch = List.of(new float[IMAGE], new float[IMAGE], new float[100]);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> predictor.submit(batch));
      assertEquals(
          "predictor for "
              + model.version()
              + ": image 2 of the batch holds 100 floats, the model's input needs "
              + IMAGE,
          e.getMessage());
      IllegalArgumentException empty =
          assertThrows(IllegalArgumentException.class, () -> predictor.submit(List.of()));
      assertEquals(
          "predictor for " + model.version() + ": batch 0 outside [1, 4]", empty.getMessage());
      assertEquals(0, predictor.inFlight());
    }
  }

  private static void assertPipelinedMatchesPredict(Model model) {
    float[][] inputs = new float[BATCHES.length][];
    float[][] expected = new float[BATCHES.length][];
    try (Predictor reference = model.newPredictor(MAX_BATCH)) {
      for (int k = 0; k < BATCHES.length; k++) {
        inputs[k] = images(BATCHES[k], 100 + k);
        expected[k] = new float[BATCHES[k] * CLASSES];
        reference.predict(inputs[k], BATCHES[k], expected[k]);
      }
    }
    try (Predictor predictor = model.newPredictor(MAX_BATCH)) {
      // One input array for every batch, as a caller filling the next batch has.
      float[] input = new float[MAX_BATCH * IMAGE];
      float[] out = new float[MAX_BATCH * CLASSES];
      int collected = 0;
      for (int k = 0; k < BATCHES.length; k++) {
        if (predictor.inFlight() == Predictor.MAX_IN_FLIGHT) {
          assertCollects(predictor, out, expected[collected], collected++);
        }
        System.arraycopy(inputs[k], 0, input, 0, inputs[k].length);
        predictor.submit(input, BATCHES[k]);
        // The predictor copied the batch: what the caller writes now must not reach it.
        Arrays.fill(input, Float.NaN);
      }
      assertEquals(Predictor.MAX_IN_FLIGHT, predictor.inFlight());
      while (collected < BATCHES.length) {
        assertCollects(predictor, out, expected[collected], collected++);
      }
      assertEquals(0, predictor.inFlight());
    }
  }

  private static void assertCollects(Predictor predictor, float[] out, float[] expected, int k) {
    Arrays.fill(out, -1f);
    predictor.collect(out);
    String what = "batch #" + k + " of " + BATCHES[k] + " images";
    assertArrayEquals(expected, Arrays.copyOf(out, expected.length), what);
    for (int i = expected.length; i < out.length; i++) {
      assertEquals(-1f, out[i], what + ": nothing is written past the batch");
    }
  }

  @Test
  void predictIsUnchangedAfterPipelinedBatches() {
    Model model = lenet(new CpuBackend(1));
    float[] in = images(7, 3);
    float[] before = new float[7 * CLASSES];
    float[] after = new float[7 * CLASSES];
    try (Predictor predictor = model.newPredictor(MAX_BATCH)) {
      predictor.predict(in, 7, before);
      predictor.submit(images(13, 4), 13);
      predictor.submit(images(2, 5), 2);
      predictor.collect(new float[MAX_BATCH * CLASSES]);
      predictor.collect(new float[MAX_BATCH * CLASSES]);
      predictor.predict(in, 7, after);
    }
    assertArrayEquals(before, after);
    // Probabilities: each row sums to 1.
    double sum = 0;
    for (int c = 0; c < CLASSES; c++) {
      sum += after[c];
    }
    assertEquals(1.0, sum, 1e-5);
  }

  @Test
  void collectWithNothingSubmittedNamesThePredictor() {
    Model model = lenet(CpuBackend.shared());
    try (Predictor predictor = model.newPredictor(4)) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> predictor.collect(new float[40]));
      assertEquals(
          "predictor for "
              + model.version()
              + ": nothing to collect: every submitted batch has been collected",
          e.getMessage());
      predictor.predict(images(2, 1), 2, new float[20]);
      assertThrows(IllegalStateException.class, () -> predictor.collect(new float[40]));
    }
  }

  @Test
  void aThirdSubmitIsRefusedAndTheTwoInFlightStillComeOut() {
    Model model = lenet(new CpuBackend(1));
    float[] a = images(3, 7);
    float[] b = images(4, 8);
    float[] expectedA = new float[3 * CLASSES];
    float[] expectedB = new float[4 * CLASSES];
    try (Predictor predictor = model.newPredictor(4)) {
      predictor.predict(a, 3, expectedA);
      predictor.predict(b, 4, expectedB);
      predictor.submit(a, 3);
      predictor.submit(b, 4);
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> predictor.submit(a, 1));
      assertTrue(
          e.getMessage().startsWith("predictor for " + model.version() + ": 2 batches"),
          e.getMessage());
      assertTrue(e.getMessage().contains("collect the oldest first"), e.getMessage());
      IllegalStateException p =
          assertThrows(IllegalStateException.class, () -> predictor.predict(a, 3, expectedA));
      assertTrue(p.getMessage().startsWith("predictor for " + model.version()), p.getMessage());
      assertTrue(p.getMessage().contains("2 submitted batch(es)"), p.getMessage());

      assertEquals(2, predictor.inFlight());
      float[] out = new float[4 * CLASSES];
      predictor.collect(out);
      assertArrayEquals(expectedA, Arrays.copyOf(out, expectedA.length));
      predictor.collect(out);
      assertArrayEquals(expectedB, out);
    }
  }

  @Test
  void anOutputTooSmallLeavesTheBatchInFlight() {
    Model model = lenet(new CpuBackend(1));
    try (Predictor predictor = model.newPredictor(4)) {
      predictor.submit(images(4, 2), 4);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> predictor.collect(new float[39]));
      assertEquals(
          "predictor for " + model.version() + ": output holds 39 floats, a batch of 4 needs 40",
          e.getMessage());
      assertEquals(1, predictor.inFlight());
      float[] out = new float[40];
      predictor.collect(out);
      assertFalse(Float.isNaN(out[39]));
      assertTrue(out[39] > 0, "probabilities were written");
    }
  }

  @Test
  void badBatchesAreRefusedBeforeAnythingIsInFlight() {
    Model model = lenet(new CpuBackend(1));
    try (Predictor predictor = model.newPredictor(4)) {
      IllegalArgumentException tooBig =
          assertThrows(IllegalArgumentException.class, () -> predictor.submit(images(5, 1), 5));
      assertEquals(
          "predictor for " + model.version() + ": batch 5 outside [1, 4]", tooBig.getMessage());
      IllegalArgumentException shortInput =
          assertThrows(IllegalArgumentException.class, () -> predictor.submit(images(2, 1), 3));
      assertTrue(
          shortInput.getMessage().contains("input holds 1568 floats"), shortInput.getMessage());
      assertEquals(0, predictor.inFlight());
    }
  }

  @Test
  void aClosedPredictorRefusesEveryCallNamingItself() {
    Model model = lenet(new CpuBackend(1));
    Predictor predictor = model.newPredictor(4);
    predictor.submit(images(2, 1), 2);
    predictor.submit(images(3, 2), 3);
    // Closing with batches in flight discards them.
    predictor.close();
    assertEquals(0, predictor.inFlight());
    String closed = "predictor for " + model.version() + " is closed";
    assertEquals(
        closed,
        assertThrows(IllegalStateException.class, () -> predictor.submit(images(1, 1), 1))
            .getMessage());
    assertEquals(
        closed,
        assertThrows(IllegalStateException.class, () -> predictor.collect(new float[40]))
            .getMessage());
    assertEquals(
        closed,
        assertThrows(
                IllegalStateException.class,
                () -> predictor.predict(images(1, 1), 1, new float[10]))
            .getMessage());
    predictor.close();
  }

  @Test
  void theCpuBackendComputesOnTheHost() {
    try (Predictor predictor = lenet(new CpuBackend(1)).newPredictor(2)) {
      assertFalse(predictor.computesBesideHost());
    }
  }
}

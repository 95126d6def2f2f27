package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.zoo.LeNet5;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Batches in flight on OpenCL ({@link Predictor#submit}/{@link Predictor#collect} over {@link
 * ClTransferSlot}): two in flight, the caller's input overwritten right after each submit, batches
 * of awkward sizes, give exactly what {@code predict} gives on the same device and the CPU's
 * probabilities, in order; nothing is allocated per batch; the slots are released with the
 * predictor or the backend; misuse fails naming the slot or the predictor.
 */
class PipelinedPredictionTest {

  private static final int MAX_BATCH = 37;
  private static final int[] BATCHES = {37, 1, 5, 36, 2, 37, 19, 3, 1};
  private static final int CLASSES = 10;
  private static final int IMAGE = LeNet5.INPUT.size();

  /** The models a test made, closed after it so that none is left to the leak net. */
  private final List<Model> made = new ArrayList<>();

  @AfterEach
  void closeModels() {
    made.forEach(Model::close);
  }

  private Model lenet(Backend backend) {
    Model model = newLenet(backend);
    made.add(model);
    return model;
  }

  private static Model newLenet(Backend backend) {
    Network network = Network.fromSpec(LeNet5.spec(CLASSES), backend);
    network.initialise(11);
    return Model.create(
        "pipelined",
        network,
        LeNet5.INPUT,
        FashionMnist.CLASS_NAMES,
        new Provenance("random", 0, 0, null, "", "test"));
  }

  private static float[] images(int batch, long seed) {
    return Twin.values(batch * IMAGE, seed);
  }

  @Test
  void twoInFlightGiveWhatPredictGivesInOrderAndTheCpusProbabilities() {
    Model onCl = lenet(Twin.CL);
    Model onCpu = lenet(Twin.CPU);
    float[][] inputs = new float[BATCHES.length][];
    float[][] expected = new float[BATCHES.length][];
    try (Predictor reference = onCl.newPredictor(MAX_BATCH);
        Predictor cpu = onCpu.newPredictor(MAX_BATCH)) {
      for (int k = 0; k < BATCHES.length; k++) {
        inputs[k] = images(BATCHES[k], 40 + k);
        expected[k] = new float[BATCHES[k] * CLASSES];
        reference.predict(inputs[k], BATCHES[k], expected[k]);
        float[] fromCpu = new float[expected[k].length];
        cpu.predict(inputs[k], BATCHES[k], fromCpu);
        Twin.assertClose("batch #" + k + " on OpenCL vs the CPU", fromCpu, expected[k]);
      }
    }
    try (Predictor predictor = onCl.newPredictor(MAX_BATCH)) {
      float[] input = new float[MAX_BATCH * IMAGE];
      float[] out = new float[MAX_BATCH * CLASSES];
      int collected = 0;
      for (int k = 0; k < BATCHES.length; k++) {
        if (predictor.inFlight() == Predictor.MAX_IN_FLIGHT) {
          assertCollects(predictor, out, expected[collected], collected++);
        }
        System.arraycopy(inputs[k], 0, input, 0, inputs[k].length);
        predictor.submit(input, BATCHES[k]);
        // Overwritten while the device may still be reading the batch: it must read its copy.
        Arrays.fill(input, Float.NaN);
      }
      while (collected < BATCHES.length) {
        assertCollects(predictor, out, expected[collected], collected++);
      }
    }
  }

  @Test
  void imagesInArraysOfTheirOwnGiveWhatAFlatBatchGives() {
    try (Model model = lenet(Twin.CL)) {
      assertPerImageMatchesFlat(model);
    }
  }

  private static void assertPerImageMatchesFlat(Model model) {
    float[][] inputs = new float[BATCHES.length][];
    float[][] expected = new float[BATCHES.length][];
    try (Predictor reference = model.newPredictor(MAX_BATCH)) {
      for (int k = 0; k < BATCHES.length; k++) {
        inputs[k] = images(BATCHES[k], 60 + k);
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
          arrays.add(Arrays.copyOfRange(inputs[k], i * IMAGE, (i + 1) * IMAGE + (i % 3)));
        }
        predictor.submit(arrays);
        // Overwritten while the device may still be reading the batch: it must read the staging.
        arrays.forEach(image -> Arrays.fill(image, Float.NaN));
      }
      while (collected < BATCHES.length) {
        assertCollects(predictor, out, expected[collected], collected++);
      }
    }
  }

  @Test
  void aSlotRefusesAnImageTooShortNamingIt() {
    try (Backend.TransferSlot transfer = Twin.CL.newTransferSlot(3 * IMAGE, 30);
        Tensor dst = Twin.CL.allocate(new Shape(3, 1, 28, 28))) {
      List<float[]> images = List.of(new float[IMAGE], new float[IMAGE - 1]);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> transfer.uploadImages(images, IMAGE, dst));
      assertTrue(e.getMessage().contains("transfer slot upload image 1"), e.getMessage());
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
  void twoThreadsPipelineOnOneBackendWithoutMixingTheirBatches() throws Exception {
    Model model = lenet(Twin.CL);
    float[][] inputs = {images(29, 1), images(17, 2)};
    float[][] expected = new float[2][];
    try (Predictor reference = model.newPredictor(MAX_BATCH)) {
      for (int t = 0; t < 2; t++) {
        expected[t] = new float[inputs[t].length / IMAGE * CLASSES];
        reference.predict(inputs[t], inputs[t].length / IMAGE, expected[t]);
      }
    }
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<?>[] runs = new Future<?>[2];
      for (int t = 0; t < 2; t++) {
        int thread = t;
        runs[t] =
            threads.submit(
                () -> {
                  int batch = inputs[thread].length / IMAGE;
                  float[] out = new float[batch * CLASSES];
                  try (Predictor predictor = model.newPredictor(MAX_BATCH)) {
                    predictor.submit(inputs[thread], batch);
                    for (int i = 0; i < 12; i++) {
                      predictor.submit(inputs[thread], batch);
                      predictor.collect(out);
                      assertArrayEquals(expected[thread], out, "thread " + thread + ", batch " + i);
                    }
                    predictor.collect(out);
                    assertArrayEquals(expected[thread], out, "thread " + thread + ", last batch");
                  }
                  return null;
                });
      }
      for (Future<?> run : runs) {
        run.get();
      }
    } finally {
      threads.shutdown();
    }
  }

  @Test
  void batchesInFlightAllocateNoBuffersAfterWarmUp() {
    Model model = lenet(Twin.CL);
    float[] input = images(MAX_BATCH, 9);
    float[] out = new float[MAX_BATCH * CLASSES];
    try (Predictor predictor = model.newPredictor(MAX_BATCH)) {
      // Warm-up: both slots made, every kernel built.
      for (int i = 0; i < 20; i++) {
        pipelinedRound(predictor, input, out);
      }
      long deviceBytes = Twin.CL.liveBytes();
      long before = allocatedByAllThreads();
      int rounds = 40;
      for (int i = 0; i < rounds; i++) {
        pipelinedRound(predictor, input, out);
      }
      long perBatch = (allocatedByAllThreads() - before) / (2L * rounds);
      // No growth. It may shrink: the leak net can free an earlier test's unclosed model meanwhile
      // (the backend is shared by every test of the run).
      long after = Twin.CL.liveBytes();
      assertTrue(
          after <= deviceBytes,
          "device memory held after 80 more batches: " + after + " bytes, before " + deviceBytes);
      // Each kernel launch makes a few small objects (its argument setter, a cache key); a batch's
      // input alone is 4 × 37 × 784 = 116,032 bytes, so a staging buffer made per batch shows.
      long oneInput = 4L * MAX_BATCH * IMAGE;
      assertTrue(
          perBatch < oneInput / 4,
          "allocated " + perBatch + " bytes of Java heap per batch, one input is " + oneInput);
    }
  }

  private static void pipelinedRound(Predictor predictor, float[] input, float[] out) {
    predictor.submit(input, MAX_BATCH);
    predictor.submit(input, MAX_BATCH);
    predictor.collect(out);
    predictor.collect(out);
  }

  private static long allocatedByAllThreads() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = threads.getAllThreadIds();
    return Arrays.stream(threads.getThreadAllocatedBytes(ids)).filter(b -> b > 0).sum();
  }

  @Test
  void closingWithBatchesInFlightWaitsForThemAndFreesTheSlots() {
    Model model = lenet(Twin.CL);
    Predictor predictor = model.newPredictor(MAX_BATCH);
    predictor.submit(images(MAX_BATCH, 1), MAX_BATCH);
    predictor.submit(images(MAX_BATCH, 2), MAX_BATCH);
    assertDoesNotThrow(predictor::close);
    assertThrows(IllegalStateException.class, () -> predictor.collect(new float[370]));
    // The backend goes on: a new predictor runs on it.
    try (Predictor next = model.newPredictor(4)) {
      float[] out = new float[40];
      next.predict(images(4, 3), 4, out);
      assertTrue(out[0] > 0 && out[0] < 1, "a probability: " + out[0]);
    }
  }

  @Test
  void closingTheBackendClosesTheSlotsOfItsPredictors() {
    OpenClBackend own = OpenClBackend.on(Twin.CL.device());
    Predictor predictor = lenet(own).newPredictor(8);
    predictor.submit(images(8, 1), 8);
    predictor.submit(images(3, 2), 3);
    assertDoesNotThrow(own::close);
    assertEquals(0, own.liveBytes());
    assertDoesNotThrow(predictor::close);
  }

  @Test
  void theFirstUploadIntoANewTensorLandsAfterItsZeroFill() {
    // A long product keeps the compute queue busy, so that a new tensor's zero fill waits behind
    // it while the transfer queue is free: a write that did not wait for the fill would be
    // overwritten by it.
    int n = 768;
    Tensor a = Twin.CL.allocate(new Shape(1, n * n, 1, 1));
    Tensor b = Twin.CL.allocate(new Shape(1, n * n, 1, 1));
    Tensor c = Twin.CL.allocate(new Shape(1, n * n, 1, 1));
    Twin.CL.finish();
    float[] values = Twin.values(4096, 17);
    float[] got = new float[values.length];
    try (Backend.TransferSlot transfer = Twin.CL.newTransferSlot(values.length, values.length)) {
      for (int round = 0; round < 3; round++) {
        Twin.CL.gemm(GemmOp.of(false, false, n, n, n, 1f, 0f), a, 0, b, 0, c, 0, null);
        Tensor fresh = Twin.CL.allocate(new Shape(1, values.length, 1, 1));
        transfer.upload(values, 0, fresh, values.length);
        transfer.startDownload(fresh, values.length);
        transfer.finishDownload(got, 0);
        assertArrayEquals(values, got, "round " + round);
      }
    }
  }

  @Test
  void aSlotRefusesCallsOutOfOrderNamingItsBackend() {
    // Tensors larger than the slot, so that the slot's own limits are what refuses.
    Tensor in = Twin.CL.allocate(new Shape(1, 16, 1, 1));
    Tensor out = Twin.CL.allocate(new Shape(1, 16, 1, 1));
    String slot = "transfer slot of " + Twin.CL.name();
    try (Backend.TransferSlot transfer = Twin.CL.newTransferSlot(8, 4)) {
      IllegalStateException none =
          assertThrows(IllegalStateException.class, () -> transfer.finishDownload(new float[4], 0));
      assertEquals(slot + ": no download was started", none.getMessage());

      transfer.upload(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 0, in, 8);
      Twin.CL.scale(in, 2f);
      transfer.startDownload(in, 4);
      IllegalStateException busy =
          assertThrows(IllegalStateException.class, () -> transfer.upload(new float[8], 0, in, 8));
      assertEquals(
          slot + ": upload while the slot's last batch waits to be collected", busy.getMessage());
      IllegalArgumentException big =
          assertThrows(IllegalArgumentException.class, () -> transfer.startDownload(out, 5));
      assertEquals(slot + ": download of 5 floats, the slot holds 4", big.getMessage());
      float[] got = new float[5];
      transfer.finishDownload(got, 1);
      assertArrayEquals(new float[] {0, 2, 4, 6, 8}, got);

      IllegalArgumentException tooMany =
          assertThrows(
              IllegalArgumentException.class, () -> transfer.upload(new float[9], 0, in, 9));
      assertEquals(slot + ": upload of 9 floats, the slot holds 8", tooMany.getMessage());
      transfer.close();
      IllegalStateException closed =
          assertThrows(IllegalStateException.class, () -> transfer.upload(new float[8], 0, in, 8));
      assertEquals(slot + " is closed", closed.getMessage());
    }
  }

  @Test
  void onlyADeviceOfItsOwnComputesBesideTheHost() {
    OpenClDevice device = Twin.CL.device();
    assertEquals(!device.type().equals("CPU"), Twin.CL.computesBesideHost(), device.describe());
    try (Predictor predictor = lenet(Twin.CL).newPredictor(2)) {
      assertEquals(Twin.CL.computesBesideHost(), predictor.computesBesideHost());
    }
  }
}

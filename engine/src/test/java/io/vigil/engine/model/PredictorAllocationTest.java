package io.vigil.engine.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.network.Network;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.engine.zoo.SmallVgg;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Inference after warm-up (the JIT has compiled the kernels) allocates no buffers: the Java heap
 * allocated by every thread of the process over many batches stays within a few small task objects
 * per batch, orders of magnitude below one batch's tensors.
 */
class PredictorAllocationTest {

  private static final int BATCH = 32;
  private static final int ROUNDS = 50;

  @Test
  void lenet5BatchesAllocateNoBuffersAfterWarmUp() {
    assertFewBytesPerBatch(LeNet5.create(3), LeNet5.INPUT, false);
  }

  @Test
  void lenet5BatchesOfImageArraysAllocateNoBuffersAfterWarmUp() {
    assertFewBytesPerBatch(LeNet5.create(3), LeNet5.INPUT, true);
  }

  @Test
  void smallVggBatchesAllocateNoBuffersAfterWarmUp() {
    Network network = Network.fromSpec(SmallVgg.spec(10), CpuBackend.shared());
    network.initialise(3);
    assertFewBytesPerBatch(network, SmallVgg.INPUT, false);
  }

  /**
   * {@code perImage}: each batch submitted as one array per image ({@link Predictor#submit(List)},
   * as the pipeline hands over video frames) and collected, instead of {@code predict} on one flat
   * array.
   */
  private static void assertFewBytesPerBatch(
      Network network, InputContract input, boolean perImage) {
    Model model =
        Model.create(
            "alloc",
            network,
            input,
            FashionMnist.CLASS_NAMES,
            new Provenance("random", 0, 0, null, "", "test"));
    float[] in = new float[BATCH * input.size()];
    Random random = new Random(1);
    for (int i = 0; i < in.length; i++) {
      in[i] = (float) random.nextGaussian();
    }
    List<float[]> images = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      images.add(Arrays.copyOfRange(in, i * input.size(), (i + 1) * input.size()));
    }
    try (Predictor predictor = model.newPredictor(BATCH)) {
      float[] out = new float[BATCH * predictor.numClasses()];
      Runnable batch =
          perImage
              ? () -> {
                predictor.submit(images);
                predictor.collect(out);
              }
              : () -> predictor.predict(in, BATCH, out);
      // A hand-off to the thread pool costs a few small objects per layer (a lambda, a latch);
      // the smallest activation of a batch is far bigger, so a buffer allocated per batch shows.
      long bound = 512L * network.layers().size();
      long smallestActivation = 4L * BATCH * input.size();
      assertTrue(bound < smallestActivation / 4, "the bound must be able to see a buffer");
      warmUp(batch, bound);
      long before = allocatedByAllThreads();
      for (int i = 0; i < ROUNDS; i++) {
        batch.run();
      }
      long perBatch = (allocatedByAllThreads() - before) / ROUNDS;
      assertTrue(
          perBatch < bound,
          "allocated " + perBatch + " bytes per batch of " + BATCH + ", bound " + bound);
    }
  }

  /**
   * Runs batches until the JIT has compiled the kernels: until then the Vector API runs as plain
   * Java that allocates a small array per vector operation. Stops when two windows of 10 batches in
   * a row allocated under {@code bound} bytes per batch, or after 30 s (then the assertion reports
   * what is left).
   */
  private static void warmUp(Runnable batch, long bound) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    int quiet = 0;
    while (quiet < 2 && System.nanoTime() < deadline) {
      long before = allocatedByAllThreads();
      for (int i = 0; i < 10; i++) {
        batch.run();
      }
      quiet = (allocatedByAllThreads() - before) / 10 < bound ? quiet + 1 : 0;
    }
  }

  /** Bytes allocated on the heap so far by all live threads (HotSpot's per-thread counters). */
  private static long allocatedByAllThreads() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = threads.getAllThreadIds();
    return Arrays.stream(threads.getThreadAllocatedBytes(ids)).filter(b -> b > 0).sum();
  }
}

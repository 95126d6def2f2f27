package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.model.Predictor;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.train.Trainer;
import io.vigil.engine.train.TrainingConfig;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.zoo.LeNet5;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device memory comes back when its owners close, not when the garbage collector runs: a serving
 * model trains a successor on the device, the successor is published and loaded as the registry
 * does, swapped in while the old model still has a batch in flight, and the old model is closed (by
 * its owner first, its predictor after its last batch). After every cycle the device holds exactly
 * what it held before it (one model serving), and once everything is closed, what it held at the
 * start. No {@code System.gc()}: the counts are the backend's own ({@link
 * OpenClBackend#tensorBytes}), and the leak net must not have fired.
 */
class OwnedDeviceMemoryTest {

  private static final int CYCLES = 3;
  private static final int BATCH = 8;
  private static final int IMAGE = LeNet5.INPUT.size();

  @TempDir Path dir;

  private static Model model(Network network, String note) {
    return Model.create(
        "owned",
        network,
        LeNet5.INPUT,
        FashionMnist.CLASS_NAMES,
        new Provenance(note, 0, 0, null, "", ""));
  }

  private static LabeledImages images(int count, long seed) {
    Random random = new Random(seed);
    byte[] pixels = new byte[count * IMAGE];
    random.nextBytes(pixels);
    return new LabeledImages(count, 28, 28, pixels, random.ints(count, 0, 10).toArray());
  }

  @Test
  void trainingAndSwappingGiveBackEveryByteEachCycle() throws Exception {
    OpenClBackend backend = OpenClBackend.on(Twin.CL.device());
    try {
      long start = backend.tensorBytes();
      Network first = Network.fromSpec(LeNet5.spec(10), backend);
      first.initialise(1);
      Model serving = model(first, "cycle 0");
      Predictor servingPredictor = serving.newPredictor(BATCH);
      float[] input = Twin.values(BATCH * IMAGE, 5);
      float[] out = new float[BATCH * 10];
      servingPredictor.predict(input, BATCH, out);
      long oneServing = backend.tensorBytes();
      assertTrue(oneServing > start, "a serving model and its predictor hold device memory");

      for (int cycle = 1; cycle <= CYCLES; cycle++) {
        // Train a successor on the device, as a fine-tune would: its own network and run.
        Network trained = Network.fromSpec(LeNet5.spec(10), backend);
        trained.initialise(100 + cycle);
        new Trainer(trained, LeNet5.INPUT, new TrainingConfig(1, BATCH, 0.01f, 0.9f, 0f, cycle))
            .fit(images(32, cycle), images(8, 50 + cycle), TrainingListener.silent());
        Model candidate = model(trained, "cycle " + cycle);
        Path file = dir.resolve("cycle-" + cycle + ModelFile.EXTENSION);
        ModelFile.save(candidate, file);
        // Published: the registry loads its own copy; the trainer's goes.
        candidate.close();
        assertEquals(oneServing, backend.tensorBytes(), "cycle " + cycle + ": training gave back");

        Model next = ModelFile.load(file, backend);
        // Loaded to serve, it holds its weights on the device and no gradients.
        long weights =
            next.network().savedTensors().stream().mapToLong(t -> 4L * t.value().size()).sum();
        assertEquals(
            oneServing + weights,
            backend.tensorBytes(),
            "cycle " + cycle + ": the loaded model holds its weights only");
        Predictor nextPredictor = next.newPredictor(BATCH);
        nextPredictor.predict(input, BATCH, out); // the trial batch

        // The swap: the old model has one batch in flight when its owner lets go of it.
        servingPredictor.submit(input, BATCH);
        serving.close();
        assertFalse(serving.isClosed(), "cycle " + cycle + ": its predictor still holds it");
        servingPredictor.collect(out);
        servingPredictor.close();
        assertTrue(serving.isClosed());
        Model closed = serving;
        assertThrows(IllegalStateException.class, () -> closed.newPredictor(1));

        serving = next;
        servingPredictor = nextPredictor;
        assertEquals(
            oneServing,
            backend.tensorBytes(),
            "cycle " + cycle + ": device memory back to one model serving");
      }
      servingPredictor.close();
      serving.close();
      assertEquals(start, backend.tensorBytes(), "everything closed: the starting level");
      assertEquals(0, backend.leakedBuffers(), "no buffer was left to the garbage collector");
    } finally {
      backend.close();
    }
  }

  @Test
  void aClosedDeviceTensorFailsNamingItInsteadOfReachingTheDriver() {
    OpenClBackend backend = OpenClBackend.on(Twin.CL.device());
    try {
      Tensor t = backend.allocate(new Shape(2, 3, 4, 4));
      long held = backend.tensorBytes();
      t.close();
      assertEquals(held - 4L * 96, backend.tensorBytes(), "freed at close");
      t.close();
      assertEquals(held - 4L * 96, backend.tensorBytes(), "closing twice frees once");
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> backend.fill(t, 1f));
      assertTrue(e.getMessage().contains("Tensor[2×3×4×4 on " + backend.name()), e.getMessage());
      assertThrows(IllegalStateException.class, () -> backend.download(t, 0, new float[96], 0, 96));
      assertEquals(0, backend.leakedBuffers());
    } finally {
      backend.close();
    }
  }
}
